/**
 * Replay an upstream observation through the model and list every way the prediction
 * differs from what the real receiver did. A list, not a chain of expects: a test over
 * thousands of observations then fails once, printing every label and field that differs.
 */
import { fromHex, toHex } from '../../spec/byte-string.js';
import { crc32 } from '../../spec/crc.js';
import type { ModelMode, ReceiverOptions } from '../../spec/model/options.js';
import { predict } from '../../spec/model/predict.js';
import type { Prediction, TreeEntry } from '../../spec/model/prediction.js';
import type { Observation, ObservedEntry } from '../fixtures/observations.js';

/** The options upstream ran with: qfile-unpacker's flags plus the case's args, limits from the environment, as root. */
export function observedOptions(observation: Observation, mode: ModelMode): ReceiverOptions {
  const env = observation.env;
  return {
    mode,
    privileged: true,
    allowUnsafeSymlinks: observation.args.includes('--allow-unsafe-symlinks'),
    allowUnsafeCharacters: observation.args.includes('--allow-all-names'),
    bytesLimit: BigInt(env.QFC_BYTES_LIMIT ?? 0),
    filesLimit: BigInt(env.QFC_FILES_LIMIT ?? 0),
  };
}

/** The stream bytes of an observation. */
export function observedStream(observation: Observation): Uint8Array {
  return fromHex(observation.streamHex)!;
}

/** The model's prediction for an observation's stream under the options upstream ran with. */
export function replay(observation: Observation, mode: ModelMode): Prediction {
  return predict(observedStream(observation), observedOptions(observation, mode));
}

// The observations ran in 2026: a time the receiver's clock set is after this, and the
// model says null for it because no stream can predict the clock.
const CLOCK_AFTER_NS = 1_600_000_000n * 1_000_000_000n;

/**
 * Every difference between `prediction` and what upstream did, one line each:
 * `label | field: predicted X, observed Y`. Empty when they agree on exit status, whether
 * a result was sent, its code, CRC, last name and length, and the whole tree (paths in
 * order, mode, file size and digest, link target, mtime, and atime where observed).
 */
export function observationMismatches(prediction: Prediction, observation: Observation): string[] {
  const mismatches: string[] = [];
  const differ = (field: string, predicted: unknown, observed: unknown): void => {
    if (predicted !== observed) mismatches.push(`${observation.label} | ${field}: predicted ${String(predicted)}, observed ${String(observed)}`);
  };
  const seen = observation.observed;
  const result = prediction.result;
  differ('exit status', prediction.exitStatus, seen.exitStatus);
  differ('result sent', result.sent, seen.result !== null);
  // The CRC is the model's own law: it covers exactly the prefix the receiver consumed.
  differ('crc of the consumed prefix', result.crc32, crc32(observedStream(observation).subarray(0, prediction.bytesConsumed)));
  if (seen.result !== null && result.sent) {
    differ('error code', result.errorCode, seen.result.errorCode);
    differ('crc', result.crc32, seen.result.crc32);
    differ('last name', result.lastName === null ? null : toHex(result.lastName), seen.result.lastNameHex);
    differ('stdout bytes', 16 + (result.lastName === null ? 0 : 4 + result.lastName.length), seen.stdoutBytes);
  }
  const predictedPaths = prediction.tree.map((entry) => entry.path).join(', ');
  const observedPaths = seen.tree.map((entry) => entry.path).join(', ');
  differ('tree paths', `[${predictedPaths}]`, `[${observedPaths}]`);
  // Entries are compared field by field only when the paths line up.
  if (predictedPaths === observedPaths) {
    prediction.tree.forEach((entry, index) => entryMismatches(entry, seen.tree[index]!, differ));
  }
  return mismatches;
}

type Differ = (field: string, predicted: unknown, observed: unknown) => void;

function entryMismatches(entry: TreeEntry, observed: ObservedEntry, differ: Differ): void {
  const at = (field: string): string => `${entry.path} ${field}`;
  differ(at('mode'), `0o${entry.mode.toString(8)}`, observed.mode);
  if (entry.type === 'symlink') {
    differ(at('target'), entry.target, observed.target);
    return;
  }
  if (entry.type === 'file') {
    differ(at('size'), entry.size, observed.size);
    if (observed.sha256 !== undefined) differ(at('sha256'), entry.digest, observed.sha256);
  }
  differ(at('mtime'), shownTime(entry.mtimeNs), observedTime(observed.mtime_ns, entry.mtimeNs));
  // The first set did not record access times.
  if (observed.atime_ns !== undefined) differ(at('atime'), shownTime(entry.atimeNs), observedTime(observed.atime_ns, entry.atimeNs));
}

/** A predicted time as text: nanoseconds, or `clock` where the receiver's clock sets it. */
function shownTime(predicted: bigint | null): string {
  return predicted === null ? 'clock' : String(predicted);
}

/** An observed time as text, `clock` when it can only be the clock's (and the model says so). */
function observedTime(observed: string | undefined, predicted: bigint | null): string {
  if (observed === undefined) return 'none';
  return predicted === null && BigInt(observed) > CLOCK_AFTER_NS ? 'clock' : observed;
}
