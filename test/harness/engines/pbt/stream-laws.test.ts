/**
 * Laws of the engine's stream tools: the valid-stream arbitrary's mapper and unmapper are
 * inverse, any byte string reads back into parts that build it again, the reducer keeps
 * what still fails and only ever shrinks, and every stream can be described.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../../spec/builder/build-stream.js';
import { dir, endMarker, file, link, rawBytes, special } from '../../../../spec/builder/stream-parts.js';
import { S_IFIFO, S_IFREG } from '../../../../spec/constants.js';
import { utf8 } from '../../../../spec/byte-string.js';
import { hostileStreamArb } from '../../../../harness/engines/pbt/arbitraries/hostile-stream.js';
import { nearValidStreamArb } from '../../../../harness/engines/pbt/arbitraries/near-valid-stream.js';
import { sourceTreeArb } from '../../../../harness/engines/pbt/arbitraries/source-tree.js';
import { streamPartsOf } from '../../../../harness/engines/pbt/arbitraries/stream-parts-of.js';
import { NotATreeStream, treeOfStream, treeStreamParts } from '../../../../harness/engines/pbt/arbitraries/tree-stream.js';
import { validStreamArb } from '../../../../harness/engines/pbt/arbitraries/fuzz-input.js';
import { batchSeed } from '../../../../harness/engines/pbt/campaign.js';
import { describeStream } from '../../../../harness/engines/pbt/describe-stream.js';
import { reduceStream } from '../../../../harness/engines/pbt/reduce-stream.js';

const anyStreamArb = fc.oneof(fc.uint8Array({ maxLength: 200 }), hostileStreamArb, nearValidStreamArb().map((near) => near.stream), validStreamArb);

describe('tree streams', () => {
  test.prop([sourceTreeArb()], { numRuns: 100 })('treeOfStream reads back the tree treeStreamParts wrote', (tree) => {
    expect(treeOfStream(buildStream(treeStreamParts(tree)))).toEqual(tree);
  });

  test.prop([validStreamArb], { numRuns: 60 })('a valid stream maps to a tree and back to the same bytes', (stream) => {
    expect(Buffer.from(buildStream(treeStreamParts(treeOfStream(stream))))).toEqual(Buffer.from(stream));
  });

  it('refuses a stream no sender writes', () => {
    expect(() => treeOfStream(buildStream([file('a/b', 'x'), endMarker()]))).toThrow(NotATreeStream);
    expect(() => treeOfStream(buildStream([file('a', 'x')]))).toThrow(NotATreeStream);
  });
});

describe('streamPartsOf', () => {
  test.prop([anyStreamArb], { numRuns: 200 })('buildStream(streamPartsOf(bytes)) is bytes', (stream) => {
    expect(Buffer.from(buildStream(streamPartsOf(stream)))).toEqual(Buffer.from(stream));
  });

  it('frames complete entries and leaves the rest raw', () => {
    const stream = buildStream([dir('d'), file('d/f', 'abc'), link('d/l', '../x'), endMarker(), rawBytes(utf8('tail'))]);
    expect(streamPartsOf(stream).map((part) => part.kind)).toEqual(['entry', 'entry', 'entry', 'end-marker', 'raw']);
    const cut = stream.subarray(0, buildStream([dir('d')]).length + 20);
    expect(streamPartsOf(cut).map((part) => part.kind)).toEqual(['entry', 'raw']);
  });
});

describe('describeStream', () => {
  test.prop([anyStreamArb], { numRuns: 300 })('describes every stream, one line per part', (stream) => {
    const lines = describeStream(stream);
    expect(lines).toHaveLength(stream.length === 0 ? 1 : streamPartsOf(stream).length);
    for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f]/);
  });

  it('says what a maintainer needs and nothing a sender does anyway', () => {
    const stream = buildStream([file('../x', 'escaped', { mode: 0o4755, mtimeNsec: 1_000_000_000 }), dir('d'), endMarker({ filelen: 3n })]);
    expect(describeStream(stream)).toEqual(['file "../x" mode 0o4755 filelen 7 content "escaped" mtimeNsec 1000000000', 'dir "d" mode 0o0755', 'end marker with filelen 3']);
    // A fifo has no framing: what follows its name is raw.
    expect(describeStream(buildStream([special(S_IFIFO, 'p'), endMarker()]))).toEqual(['fifo "p" mode 0o0644 filelen 0', `raw 32 bytes ${'00'.repeat(24)}…`]);
  });
});

describe('reduceStream', () => {
  // "fails" while the stream holds a file whose name has a dot-dot component
  const hasEscape = async (stream: Uint8Array): Promise<string | null> =>
    streamPartsOf(stream).some((part) => part.kind === 'entry' && Buffer.from(part.name as Uint8Array).toString('latin1').startsWith('../') && (part.typeBits === S_IFREG)) ? 'escape' : null;

  test.prop([fc.array(fc.constantFrom(dir('a'), file('a/f', 'content', { mode: 0o600, mtime: 7 }), link('l', 'x'), rawBytes(utf8('junk'))), { maxLength: 6 })], { numRuns: 100 })(
    'keeps only what the failure needs, at its plainest',
    async (noise) => {
      const stream = buildStream([...noise.filter((part) => part.kind !== 'raw'), file('../x', 'payload', { mode: 0o4755, atime: 3 }), ...noise, endMarker()]);
      const reduced = await reduceStream(stream, 'escape', hasEscape);
      expect(await hasEscape(reduced.stream)).toBe('escape');
      expect(reduced.stream.length).toBeLessThanOrEqual(stream.length);
      expect(describeStream(reduced.stream)).toEqual(['file "../x" mode 0o0644 filelen 0']);
    },
  );

  it('returns the stream unchanged when nothing smaller fails', async () => {
    const stream = buildStream([file('../x', '', { mode: 0o644 })]);
    const reduced = await reduceStream(stream, 'escape', hasEscape);
    expect(reduced).toEqual({ stream, run: 'escape', steps: 0 });
  });
});

describe('batchSeed', () => {
  it('gives every seed, lane and batch its own seed', () => {
    const seeds = new Set<number>();
    for (let seed = -20; seed < 20; seed++) for (let lane = 0; lane < 4; lane++) for (let batch = 0; batch < 50; batch++) seeds.add(batchSeed(seed, lane, batch));
    expect(seeds.size).toBe(40 * 4 * 50);
    expect(batchSeed(2, 0, 0)).not.toBe(batchSeed(3, 1, 0));
    for (const value of seeds) expect(value).toBeGreaterThanOrEqual(0);
  });
});
