/**
 * A symlink entry (PROTOCOL §2): bounded target length, byte limit, read the target,
 * validate name and target together, walk, create. Links get no mode or times.
 */
import type { FileHeader } from '../codec/file-header.js';
import { Errno, LEGAL_EOF, MAX_NAME_LENGTH, PATH_MAX } from '../constants.js';
import { validateSymlink } from '../validator/validate-symlink.js';
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

  const invalid = validateSymlink(name, target, state.validatorFlags);
  if (invalid !== 0) return stop(invalid, target, 'payload', 'link.validated');

  const place = walkToParent(state, name, 'link.exclusive');
  if (isOutcome(place)) return place;
  const { parent, last } = place;

  const refused = state.volume.createSymlink(parent, last, target);
  if (refused === 0) return null;
  // An empty or over-long target fails before the kernel looks at the name.
  const aboutTarget = refused === Errno.ENOENT || (refused === Errno.ENAMETOOLONG && target.length >= PATH_MAX);
  return stop(refused, name, aboutTarget ? 'payload' : 'name', systemCallClause(refused, 'link.exclusive'));
}
