/**
 * A regular file entry (PROTOCOL §2): validate, walk, check limits, copy, publish, apply.
 *
 * Three receivers are modelled. The spec's and upstream's with `O_TMPFILE` write the
 * content anonymously and give it its name only when complete, so a taken name shows up
 * after the content was read. Upstream without `O_TMPFILE` creates the file (mode 0000)
 * before its limits are checked and its content arrives, and leaves it behind on failure.
 */
import { createHash } from 'node:crypto';
import type { FileHeader } from '../codec/file-header.js';
import {
  Errno,
  FALLBACK_FILE_PERMISSIONS,
  FATAL_EXIT_STATUS,
  LEGAL_EOF,
  MAX_FILE_LENGTH,
  TMPFILE_PERMISSIONS,
} from '../constants.js';
import { validateFileName } from '../validator/validate-file-name.js';
import { appliedPermissions } from './applied-mode.js';
import { nanoseconds, timesValid } from './header-times.js';
import { nameRefusalRules } from './name-refusal.js';
import { stop, type Outcome, type ReceiverState } from './receiver-state.js';
import { isOutcome, walkToParent } from './walk-to-parent.js';
import { systemCallClause } from './system-call-clause.js';

/** Process one regular file; null when it was received and the next entry follows. */
export function receiveFile(state: ReceiverState, header: FileHeader, name: Uint8Array): Outcome | null {
  if (validateFileName(name, state.validatorFlags) !== 0) {
    state.exercise(...nameRefusalRules(name, state.validatorFlags));
    return stop(Errno.EILSEQ, name, 'name', 'file.name-valid');
  }
  if (!state.upstream && !timesValid(header)) return stop(Errno.EINVAL, name, 'header', 'quirk.nsec-range');

  const place = walkToParent(state, name, 'file.exclusive');
  if (isOutcome(place)) return place;
  const { parent, last } = place;
  const volume = state.volume;

  // Upstream's fallback creates the final name first; the others only check they may create.
  const createdEarly = state.upstream && !state.options.upstreamTmpfile;
  const refused = createdEarly ? volume.createFile(parent, last, FALLBACK_FILE_PERMISSIONS) : volume.checkCreate(parent);
  if (refused !== 0) {
    return stop(refused, name, 'name', systemCallClause(refused, 'file.exclusive'));
  }
  // From here on a failure must leave nothing behind (quirk 3's spec position).
  const leftover = (): void => {
    state.exercise('quirk.no-leftover');
    if (createdEarly) state.quirks.add('leftover-file');
  };

  const limit = state.options.bytesLimit;
  if (header.filelen > MAX_FILE_LENGTH) {
    leftover();
    return stop(Errno.EDQUOT, name, 'header', 'file.filelen-signed');
  }
  if (limit !== 0n && state.totalBytes + header.filelen > limit) {
    leftover();
    return stop(Errno.EDQUOT, name, 'header', 'limit.bytes');
  }
  state.totalBytes += header.filelen;

  // Copy the content: every chunk that arrives enters the CRC, even when the stream then ends.
  const digest = createHash('sha256');
  let size = 0;
  while (BigInt(size) < header.filelen) {
    const event = state.nextEvent();
    if (event.kind !== 'file-content') {
      if (createdEarly) volume.setContent(parent, last, size, digest.digest('hex'));
      leftover();
      return stop(LEGAL_EOF, name, 'payload', 'file.truncated-content');
    }
    state.consume(event);
    digest.update(event.bytes);
    size += event.length;
  }
  const contentDigest = digest.digest('hex');

  if (!createdEarly) {
    // linkat of the anonymous file: it is complete, but mode and times are not applied yet
    const taken = volume.createFile(parent, last, TMPFILE_PERMISSIONS);
    if (taken !== 0) {
      leftover();
      return stop(taken, name, 'name', systemCallClause(taken, 'file.exclusive'));
    }
  }
  volume.setContent(parent, last, size, contentDigest);

  if (!timesValid(header)) {
    // Upstream validates the times only now, after the file has its name, and dies.
    state.quirks.add('nsec-fatal');
    leftover();
    return { ...stop(FATAL_EXIT_STATUS, name, 'header', 'quirk.nsec-range'), sent: false };
  }
  volume.setPermissions(parent, last, appliedPermissions(state, header.mode));
  volume.setTimes(parent, last, nanoseconds(header.atime, header.atimeNsec), nanoseconds(header.mtime, header.mtimeNsec));
  state.exercise('wire.file-payload', 'file.exclusive', 'file.mode-times');
  return null;
}
