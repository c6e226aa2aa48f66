import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { crc32 } from '../../../spec/crc.js';
import { checkInvariants } from '../../../spec/invariants/check-invariants.js';
import { receiverValidatorFlags, resolveOptions, type ReceiverOptions } from '../../../spec/model/options.js';
import { predict } from '../../../spec/model/predict.js';
import { tokenize } from '../../../spec/tokenizer/tokenize.js';
import { hostileStreamArb } from '../../helpers/arbitraries.js';
import { emptyTarget, RECEIVER_UID, snapshotOf } from '../../helpers/snapshot-of-prediction.js';
import { expectedTree, headerCount, senderStream, sourceTreeArb } from '../../helpers/source-tree.js';

const optionsArb: fc.Arbitrary<ReceiverOptions> = fc.record(
  {
    mode: fc.constantFrom('spec' as const, 'upstream' as const),
    allowDirectories: fc.boolean(),
    allowSymlinks: fc.boolean(),
    allowUnsafeCharacters: fc.boolean(),
    allowNonCanonicalSymlinks: fc.boolean(),
    allowUnsafeSymlinks: fc.boolean(),
    bytesLimit: fc.oneof(fc.constant(0), fc.nat(200)),
    filesLimit: fc.oneof(fc.constant(0), fc.nat(6)),
    privileged: fc.boolean(),
    upstreamTmpfile: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe('model properties', () => {
  test.prop([hostileStreamArb, optionsArb], { numRuns: 500 })(
    'the result CRC is zlib\'s CRC of the consumed prefix, which ends on an event boundary',
    (stream, options) => {
      const prediction = predict(stream, options);
      expect(prediction.result.crc32).toBe(crc32(stream.subarray(0, prediction.bytesConsumed)));
      const boundaries = new Set(tokenize(stream).flatMap((event) => [event.offset, event.offset + event.length]));
      // consumption stops between events, or inside file content when the stream ended there
      const inContent = prediction.clause === 'file.truncated-content';
      expect(inContent || boundaries.has(prediction.bytesConsumed)).toBe(true);
      expect(prediction.bytesConsumed).toBeLessThanOrEqual(stream.length);
    },
  );

  test.prop([hostileStreamArb], { numRuns: 300 })('a stream is a success only through its end marker', (stream) => {
    const prediction = predict(stream);
    if (prediction.result.errorCode !== 0) return;
    const marker = tokenize(stream).find((event) => event.kind === 'end-marker');
    expect(marker).toBeDefined();
    expect(prediction.bytesConsumed).toBe(marker!.offset + marker!.length);
  });

  test.prop([sourceTreeArb], { numRuns: 300 })('a stream of valid entries and an end marker is accepted and reproduced', (tree) => {
    const stream = senderStream(tree);
    const prediction = predict(stream);
    expect(prediction.result.errorCode).toBe(0);
    expect(prediction.bytesConsumed).toBe(stream.length);
    expect(prediction.result.crc32).toBe(crc32(stream));
    expect(prediction.tree).toEqual(expectedTree(tree));
  });

  test.prop([sourceTreeArb], { numRuns: 100 })('the file limit admits exactly the headers of a valid tree', (tree) => {
    const headers = headerCount(tree);
    expect(predict(senderStream(tree), { filesLimit: Math.max(headers, 1) }).result.errorCode).toBe(0);
    if (headers > 1) expect(predict(senderStream(tree), { filesLimit: headers - 1 }).result.errorCode).toBe(122);
  });

  test.prop([hostileStreamArb, optionsArb], { numRuns: 500 })('every tree the model predicts satisfies the invariants', (stream, options) => {
    const prediction = predict(stream, options);
    const resolved = resolveOptions(options);
    const violations = checkInvariants(emptyTarget(), snapshotOf(prediction.tree), {
      targetPath: 'target',
      uid: RECEIVER_UID,
      gid: RECEIVER_UID,
      validatorFlags: receiverValidatorFlags(resolved),
      bytesLimit: resolved.bytesLimit,
      filesLimit: resolved.filesLimit,
    });
    expect(violations).toEqual([]);
  });
});
