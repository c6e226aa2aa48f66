/**
 * A directory entry (PROTOCOL §2): created 0700 on its first header, given its mode and
 * times when the header comes again (the sender repeats it after the children, so a
 * read-only directory can still be filled). Upstream looks at the times only then
 * (quirk 6); the spec checks them on every header.
 */
import type { FileHeader } from '../codec/file-header.js';
import { Errno, FATAL_EXIT_STATUS, U32_MAX } from '../constants.js';
import { validateFileName } from '../validator/validate-file-name.js';
import { appliedPermissions } from './applied-mode.js';
import { nanoseconds, timesValid } from './header-times.js';
import { nameRefusalRules } from './name-refusal.js';
import { stop, type Outcome, type ReceiverState } from './receiver-state.js';
import { isOutcome, walkToParent } from './walk-to-parent.js';
import { systemCallClause } from './system-call-clause.js';

/** Upstream reports a bad directory name as the negated validator value, a u32 on the wire (quirk 1). */
const NEGATED_EILSEQ = U32_MAX + 1 - Errno.EILSEQ;

/** Process one directory header; null when the next entry follows. */
export function receiveDirectory(state: ReceiverState, header: FileHeader, name: Uint8Array): Outcome | null {
  if (validateFileName(name, state.validatorFlags) !== 0) {
    state.exercise(...nameRefusalRules(name, state.validatorFlags), 'quirk.directory-name-errno');
    if (!state.upstream) return stop(Errno.EILSEQ, name, 'name', 'dir.name-valid');
    state.quirks.add('directory-name-errno');
    return stop(NEGATED_EILSEQ, name, 'name', 'dir.name-valid');
  }
  const validTimes = timesValid(header);
  if (!validTimes) state.exercise('quirk.directory-times');
  if (!state.upstream && !validTimes) return stop(Errno.EINVAL, name, 'header', 'quirk.nsec-range');

  const place = walkToParent(state, name, 'dir.repeat-not-directory');
  if (isOutcome(place)) return place;
  const { parent, last } = place;
  const volume = state.volume;

  const made = volume.makeDirectory(parent, last);
  if (made === 0) {
    state.exercise('wire.directory-no-payload', 'dir.create-private');
    // Only upstream gets here with bad times: they wait, unchecked, for a repeat that may never come.
    if (!validTimes) state.quirks.add('directory-times-deferred');
    return null; // new: mode and times wait for the repeated header
  }
  if (made !== Errno.EEXIST) return stop(made, name, 'name', systemCallClause(made, 'dir.repeat-not-directory'));

  const opened = volume.openDirectory(parent, last);
  if (opened === Errno.ENOTDIR) return stop(opened, name, 'name', 'dir.repeat-not-directory');
  if (opened !== 0) return stop(opened, name, 'name', 'recv.user-permissions');

  if (state.options.bytesLimit !== 0n) state.exercise('quirk.directory-size');
  if (state.upstream) {
    // Counted after the fact, without a check: only a later entry can trip the limit.
    state.totalBytes += BigInt(state.options.directorySize);
    if (state.options.bytesLimit !== 0n) state.quirks.add('directory-size-counted');
    if (!validTimes) {
      state.quirks.add('nsec-fatal');
      return { ...stop(FATAL_EXIT_STATUS, name, 'header', 'quirk.nsec-range'), sent: false };
    }
  }
  volume.setPermissions(parent, last, appliedPermissions(state, header.mode));
  volume.setTimes(parent, last, nanoseconds(header.atime, header.atimeNsec), nanoseconds(header.mtime, header.mtimeNsec));
  state.exercise('wire.directory-no-payload', 'dir.repeat-applies');
  return null;
}
