/**
 * A symlink entry (PROTOCOL §2): bounded target length, byte limit, read the target,
 * validate name and target together, walk, create. Links get no mode or times.
 */
import type { FileHeader } from '../codec/file-header.js';
import { Errno, LEGAL_EOF, MAX_NAME_LENGTH, PATH_MAX, ValidatorFlag } from '../constants.js';
import { validatePath } from '../validator/validate-path.js';
import { explainSymlink } from '../validator/validate-symlink.js';
import { stop, type Outcome, type ReceiverState } from './receiver-state.js';
import { isOutcome, walkToParent } from './walk-to-parent.js';
import { systemCallClause } from './system-call-clause.js';

/** Process one symlink; null when it was created and the next entry follows. */
export function receiveSymlink(state: ReceiverState, header: FileHeader, name: Uint8Array): Outcome | null {
  if (header.filelen > BigInt(MAX_NAME_LENGTH)) return stop(Errno.ENAMETOOLONG, name, 'header', 'link.target-length');
  state.totalBytes += header.filelen;
  const limit = state.options.bytesLimit;
  if (limit !== 0n && state.totalBytes > limit) return stop(Errno.EDQUOT, name, 'header', 'limit.bytes');

  const event = state.nextEvent();
  if (event.kind !== 'link-target') return stop(LEGAL_EOF, name, 'payload', 'link.truncated-target');
  state.consume(event);
  const target = event.target;

  const verdict = explainSymlink(name, target, state.validatorFlags);
  if (verdict.rule !== null) state.exercise(verdict.rule);
  if (verdict.errno !== 0) return stop(verdict.errno, target, 'payload', 'link.validated');
  exerciseAcceptedTarget(state, target);

  const place = walkToParent(state, name, 'link.exclusive');
  if (isOutcome(place)) return place;
  const { parent, last } = place;

  const refused = state.volume.createSymlink(parent, last, target);
  if (refused === 0) {
    state.exercise('wire.symlink-payload', 'link.validated', 'link.exclusive');
    return null;
  }
  // An empty or over-long target fails before the kernel looks at the name.
  const aboutTarget = refused === Errno.ENOENT || (refused === Errno.ENAMETOOLONG && target.length >= PATH_MAX);
  return stop(refused, name, aboutTarget ? 'payload' : 'name', systemCallClause(refused, 'link.exclusive'));
}

/** The link rules an accepted target went through: the unsafe profile, a climb within budget, a non-canonical form. */
function exerciseAcceptedTarget(state: ReceiverState, target: Uint8Array): void {
  if (state.options.allowUnsafeSymlinks) {
    state.exercise('link.unsafe-profile');
    return;
  }
  // Read as a plain path with any climb allowed, the target shows what the link rules let through.
  const plain = validatePath(target, Number.MAX_SAFE_INTEGER, ValidatorFlag.TRAILING_SLASH | ValidatorFlag.UNSAFE_CHARACTERS);
  if (!plain.ok && (plain.rule === 'name.empty-component' || plain.rule === 'name.dot-component' || plain.rule === 'name.empty')) state.exercise('link.non-canonical-target');
  if (target[0] === 0x2e && target[1] === 0x2e && (target.length === 2 || target[2] === 0x2f)) state.exercise('link.escape-depth');
}
