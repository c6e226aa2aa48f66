/**
 * The reference receiver against the model: for generated streams (valid, near-valid and
 * hostile), its result, exit status and resulting tree equal predict(stream, 'spec').
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { decodeResult } from '../../../spec/codec/result-header.js';
import { predict } from '../../../spec/model/predict.js';
import { takeSnapshot } from '../../../harness/sandbox/snapshot.js';
import { treeDifferences, type TreeComparison } from '../../../harness/sandbox/tree-difference.js';
import { unpack } from '../../../implementations/reference/receiver/unpack.js';
import { hostileStreamArb } from '../../helpers/arbitraries.js';
import { senderStream, sourceTreeArb } from '../../helpers/source-tree.js';
import { removeDir, tempDir } from '../../helpers/temp-dir.js';

const privileged = process.getuid?.() === 0;

/** Streams a correct sender writes, the same with one field off a boundary, and hostile ones. */
const nearValidArb = fc.tuple(sourceTreeArb, fc.nat(), fc.constantFrom(-1, 1, 1_000_000_000, 0xffff_ffff)).map(([tree, at, delta]) => {
  const stream = senderStream(tree);
  const copy = stream.slice();
  const index = at % copy.length;
  copy[index] = (copy[index]! + delta) & 0xff;
  return copy;
});
const streamArb = fc.oneof(
  sourceTreeArb.map(senderStream),
  nearValidArb,
  hostileStreamArb,
  fc.tuple(sourceTreeArb, fc.nat()).map(([tree, cut]) => {
    const stream = senderStream(tree);
    return stream.subarray(0, cut % (stream.length + 1));
  }),
);
type Options = { allowUnsafeCharacters: boolean; allowUnsafeSymlinks: boolean; bytesLimit: bigint; filesLimit: bigint };
const optionsArb: fc.Arbitrary<Options> = fc.record({
  allowUnsafeCharacters: fc.boolean(),
  allowUnsafeSymlinks: fc.boolean(),
  bytesLimit: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 300n })),
  filesLimit: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 8n })),
});

async function* chunksOf(stream: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts.map((c) => c % (stream.length + 1))].sort((a, b) => a - b)) {
    yield stream.slice(start, Math.max(start, cut));
    start = Math.max(start, cut);
  }
  yield stream.slice(start);
}

/** The same chunks, each copied into one Node Buffer that is reused, as the CLI reads stdin. */
async function* reusedBufferChunks(stream: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  const shared = Buffer.alloc(stream.length + 1);
  for await (const chunk of chunksOf(stream, cuts)) {
    shared.fill(0xee); // whatever the receiver kept from the previous chunk gets clobbered
    shared.set(chunk);
    yield shared.subarray(0, chunk.length);
  }
}

interface Variant {
  readonly reuse?: boolean;
  readonly nativeTmpfile?: boolean;
}

async function expectAgreement(backend: 'native' | 'fallback', stream: Uint8Array, options: Options, cuts: number[], comparison: TreeComparison, variant: Variant = {}) {
  const target = tempDir(`qfc-diff-${backend}-`);
  try {
    const input = variant.reuse === true ? reusedBufferChunks(stream, cuts) : chunksOf(stream, cuts);
    const result = await unpack(input, target, { ...options, backend, nativeTmpfile: variant.nativeTmpfile });
    const prediction = predict(stream, { ...options, privileged });
    const decoded = decodeResult(result.wire);
    expect(decoded.ok && { errorCode: decoded.value.errorCode, crc32: decoded.value.crc32, lastName: decoded.value.lastName }).toEqual({
      errorCode: prediction.result.errorCode,
      crc32: prediction.result.crc32,
      lastName: prediction.result.lastName,
    });
    expect(result.exitStatus).toBe(prediction.exitStatus);
    expect(treeDifferences(prediction.tree, takeSnapshot(target), comparison)).toEqual([]);
  } finally {
    removeDir(target);
  }
}

describe('reference receiver vs the model', () => {
  test.prop([streamArb, optionsArb, fc.array(fc.nat(), { maxLength: 4 })], { numRuns: 320 })(
    'native backend: result, exit status and tree equal the prediction',
    async (stream, options, cuts) => expectAgreement('native', stream, options, cuts, {}),
  );

  test.prop([streamArb, optionsArb, fc.array(fc.nat(), { maxLength: 6 })], { numRuns: 120 })(
    'native backend reading through one reused buffer, as the CLI does',
    async (stream, options, cuts) => expectAgreement('native', stream, options, cuts, {}, { reuse: true }),
  );

  test.prop([streamArb, optionsArb, fc.array(fc.nat(), { maxLength: 4 })], { numRuns: 100 })(
    'native backend staging files, as on a filesystem without O_TMPFILE',
    async (stream, options, cuts) => expectAgreement('native', stream, options, cuts, { ignoreDirectoryMtimes: true }, { nativeTmpfile: false }),
  );

  test.prop([streamArb, optionsArb, fc.array(fc.nat(), { maxLength: 4 })], { numRuns: 120 })(
    'pure-Node fallback: the same, with times to the microsecond',
    async (stream, options, cuts) => expectAgreement('fallback', stream, options, cuts, { timeResolutionNs: 1000n, ignoreDirectoryMtimes: true }),
  );
});
