/**
 * The oracle: what a receiver does with a stream (PROTOCOL §2), in `'spec'` or `'upstream'` mode.
 *
 * It runs the receiver algorithm over the tokenizer's events on an in-memory volume and
 * returns the result header, exit status, consumed prefix and the tree left behind.
 * It never throws on any stream; only impossible options throw (SpecUsageError).
 */
import {
  Errno,
  EXIT_STATUS_MODULUS,
  FATAL_EXIT_STATUS,
  LEGAL_EOF,
  MAX_NAME_LENGTH,
  RESULT_OK,
  S_IFDIR,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
} from '../constants.js';
import type { ClauseId } from '../clauses.js';
import { challengedInvariants } from '../invariants/invariant-triggers.js';
import { tokenize } from '../tokenizer/tokenize.js';
import { resolveOptions, type ReceiverOptions } from './options.js';
import type { Prediction } from './prediction.js';
import { receiveDirectory } from './receive-directory.js';
import { receiveFile } from './receive-file.js';
import { receiveSymlink } from './receive-symlink.js';
import { ReceiverState, stop, type Outcome } from './receiver-state.js';

/** Predict what a receiver with `options` does with `stream`. */
export function predict(stream: Uint8Array, options: ReceiverOptions = {}): Prediction {
  const state = new ReceiverState(stream, tokenize(stream), resolveOptions(options));
  const outcome = receive(state);
  const sent = outcome.sent ?? true;
  exerciseEnding(state, outcome, sent);
  return {
    result: { sent, errorCode: outcome.errorCode, crc32: state.crc.value, lastName: outcome.lastName },
    exitStatus: sent ? outcome.errorCode % EXIT_STATUS_MODULUS : FATAL_EXIT_STATUS,
    bytesConsumed: state.consumed,
    tree: state.volume.tree(),
    phase: outcome.phase,
    clause: outcome.clause,
    quirks: [...state.quirks].sort(),
    exercised: [...state.exercised].sort(),
  };
}

/** The clauses every ending puts to work, and the invariants the whole run challenged. */
function exerciseEnding(state: ReceiverState, outcome: Outcome, sent: boolean): void {
  state.exercise(outcome.clause, 'recv.exit-status');
  if (sent) state.exercise('result.header', 'crc.algorithm', 'crc.consumed-bytes');
  if (sent && outcome.lastName !== null) state.exercise('result.extension');
  if (outcome.errorCode !== RESULT_OK) state.exercise('recv.stop-at-error');
  if (sent && outcome.errorCode !== RESULT_OK) state.exercise('errno.values');
  if (state.volume.bypassedPermissions) state.exercise('recv.user-permissions');
  const invariants: ClauseId[] = challengedInvariants(state.exercised);
  state.exercise(...invariants);
}

function receive(state: ReceiverState): Outcome {
  for (;;) {
    const event = state.nextEvent();
    // A partial header is not consumed: it stays out of the CRC.
    if (event.kind !== 'header' && event.kind !== 'end-marker') {
      return stop(Errno.EREMOTEIO, state.lastName, 'end', 'recv.missing-end-marker');
    }
    state.consume(event);
    if (event.kind === 'end-marker') {
      state.exercise('wire.end-marker');
      return stop(RESULT_OK, state.lastName, 'end', 'recv.end-success');
    }
    state.exercise('wire.header-layout', 'wire.little-endian');

    const header = event.header;
    state.totalFiles += 1n;
    const filesLimit = state.options.filesLimit;
    if (filesLimit !== 0n && state.totalFiles > filesLimit) {
      return stop(Errno.EDQUOT, state.lastName, 'header', 'limit.files');
    }
    if (header.namelen > MAX_NAME_LENGTH) return stop(Errno.ENAMETOOLONG, null, 'header', 'name.length-limit');

    const nameEvent = state.nextEvent();
    if (nameEvent.kind !== 'name') return stop(LEGAL_EOF, null, 'name', 'recv.truncated-name');
    state.consume(nameEvent);
    state.exercise('wire.name-c-string');
    const name = nameEvent.name;
    state.lastName = name;

    const type = header.mode & S_IFMT;
    let outcome: Outcome | null;
    if (type === S_IFREG) outcome = receiveFile(state, header, name);
    else if (type === S_IFLNK && state.options.allowSymlinks) outcome = receiveSymlink(state, header, name);
    else if (type === S_IFDIR && state.options.allowDirectories) outcome = receiveDirectory(state, header, name);
    else outcome = stop(Errno.EINVAL, name, 'header', 'type.forbidden');
    if (outcome !== null) return outcome;
  }
}
