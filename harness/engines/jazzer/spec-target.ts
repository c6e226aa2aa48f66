/**
 * Jazzer.js fuzz target for the spec itself: tokenizer, model, decoders and validator.
 *
 * The spec promises that hostile bytes never make it throw: failures are typed error
 * values. So this target accepts only those values (checked with `isDecodeError`) and
 * treats any exception as a finding. It also checks the spec's own laws on every input,
 * so a finding can be a crash or a broken law:
 *   - tokenizer events tile the stream, and chunked tokenizing gives the same events;
 *   - the model's CRC is the CRC of the prefix it says it consumed;
 *   - a success result needs the end marker;
 *   - every tree the model predicts satisfies the invariant checks.
 *
 * Input layout: byte 0 selects receiver options (mode, profile, limits, root), byte 1 a
 * chunk split point; the rest is the stream.
 */
import {
  checkInvariants,
  crc32,
  decodeFileHeader,
  decodeFilenameField,
  decodePathKey,
  decodeResult,
  encodePathKey,
  isDecodeError,
  predict,
  receiverValidatorFlags,
  resolveOptions,
  sanitizeEditorFileName,
  StreamTokenizer,
  tokenize,
  validateFileName,
  validateSymlink,
  type Decoded,
  treeSnapshot,
  type ReceiverOptions,
  type StreamEvent,
} from '../../../spec/index.js';

function law(holds: boolean, what: string): void {
  if (!holds) throw new Error(`spec law broken: ${what}`);
}

function expectTyped<T>(decoded: Decoded<T>, what: string): void {
  if (!decoded.ok) law(isDecodeError(decoded.error), `${what} returned an untyped error`);
}

function optionsOf(bits: number): ReceiverOptions {
  return {
    mode: bits & 1 ? 'upstream' : 'spec',
    allowUnsafeCharacters: (bits & 2) !== 0,
    allowUnsafeSymlinks: (bits & 4) !== 0,
    allowNonCanonicalSymlinks: (bits & 8) === 0,
    privileged: (bits & 16) !== 0,
    upstreamTmpfile: (bits & 32) === 0,
    bytesLimit: bits & 64 ? 7 : 0,
    filesLimit: bits & 128 ? 3 : 0,
  };
}

function assertTiles(events: readonly StreamEvent[], length: number): void {
  let offset = 0;
  for (const event of events) {
    law(event.offset === offset && event.length >= 0, `event at ${event.offset} does not continue at ${offset}`);
    offset += event.length;
  }
  law(offset === length, 'events do not cover the stream');
}

function signature(events: readonly StreamEvent[]): string {
  // Chunking splits file content, trailing and unframed bytes; compare their extents only.
  const parts: string[] = [];
  for (const event of events) {
    const chunked = event.kind === 'file-content' || event.kind === 'trailing' || event.kind === 'unframed';
    const last = parts[parts.length - 1];
    if (chunked && last?.startsWith(`${event.kind}:`)) continue;
    parts.push(chunked ? `${event.kind}:` : `${event.kind}@${event.offset}+${event.length}`);
  }
  return parts.join(' ');
}

/** The fuzz entry point (Jazzer.js calls it with each input). */
export function fuzz(data: Buffer): void {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length);
  const options = optionsOf(bytes[0] ?? 0);
  const stream = bytes.subarray(2);

  const events = tokenize(stream);
  assertTiles(events, stream.length);
  const split = (bytes[1] ?? 0) % (stream.length + 1);
  const tokenizer = new StreamTokenizer();
  const chunked = [...tokenizer.push(stream.subarray(0, split)), ...tokenizer.push(stream.subarray(split)), ...tokenizer.finish()];
  law(signature(chunked) === signature(events), 'chunked tokenizing differs from whole');

  const prediction = predict(stream, options);
  law(prediction.result.crc32 === crc32(stream.subarray(0, prediction.bytesConsumed)), 'CRC is not that of the consumed prefix');
  if (prediction.result.sent && prediction.result.errorCode === 0) {
    law(events.some((event) => event.kind === 'end-marker'), 'success without an end marker');
  }
  const resolved = resolveOptions(options);
  const owner = { uid: 1000, gid: 1000 };
  const violations = checkInvariants(treeSnapshot([], owner), treeSnapshot(prediction.tree, owner), {
    targetPath: 'target',
    uid: 1000,
    gid: 1000,
    validatorFlags: receiverValidatorFlags(resolved),
    bytesLimit: resolved.bytesLimit,
    filesLimit: resolved.filesLimit,
  });
  law(violations.length === 0, `predicted tree breaks ${violations[0]?.clause} at ${violations[0]?.path}`);

  expectTyped(decodeResult(stream), 'decodeResult');
  expectTyped(decodeFileHeader(stream), 'decodeFileHeader');
  const field = decodeFilenameField(stream);
  expectTyped(field, 'decodeFilenameField');
  if (field.ok) sanitizeEditorFileName(field.value.name);
  const half = stream.length >> 1;
  validateFileName(stream.subarray(0, half), bytes[0] ?? 0);
  validateSymlink(stream.subarray(0, half), stream.subarray(half), (bytes[0] ?? 0) & 31);
  const roundTrip = decodePathKey(encodePathKey(stream));
  law(roundTrip !== null && roundTrip.length === stream.length && roundTrip.every((b, i) => b === stream[i]), 'path key does not round-trip');
}
