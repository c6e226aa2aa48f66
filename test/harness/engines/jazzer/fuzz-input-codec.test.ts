/**
 * Laws of the Jazzer.js engine's input grammar: any byte string decodes (never throws,
 * trees stay within their bounds), every stream encodes into the structured layout and
 * decodes back to the same bytes and settings (so catalogue and corpus streams are seeds),
 * and a byte of the layout changes the field it stands for.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../../spec/builder/build-stream.js';
import { dir, endMarker, file, link } from '../../../../spec/builder/stream-parts.js';
import { decodeFileHeader } from '../../../../spec/codec/file-header.js';
import { decodeFuzzInput, encodeStreamInput, encodeTreeInput, NAME_TABLE } from '../../../../harness/engines/jazzer/fuzz-input-codec.js';
import type { FuzzInputShape } from '../../../../harness/engines/pbt/arbitraries/fuzz-input.js';
import { hostileStreamArb } from '../../../../harness/engines/pbt/arbitraries/hostile-stream.js';
import { nearValidStreamArb } from '../../../../harness/engines/pbt/arbitraries/near-valid-stream.js';
import { validStreamArb } from '../../../../harness/engines/pbt/arbitraries/fuzz-input.js';
import type { SourceNode } from '../../../../harness/engines/pbt/arbitraries/source-tree.js';
import { RECEIVER_CASES } from '../../../../harness/catalogue/index.js';
import { createSandbox } from '../../../../harness/sandbox/sandbox-root.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SHAPE: FuzzInputShape = { receiverStreams: true, roundTrips: true, profile: null, specials: ['fifo', 'socket'], ownerCanRead: false };
const anyStreamArb = fc.oneof(fc.uint8Array({ maxLength: 300 }), hostileStreamArb, nearValidStreamArb().map((near) => near.stream), validStreamArb);
const settingsArb = fc.record({
  profile: fc.constantFrom('default' as const, 'allow-all-names' as const, 'unsafe-symlinks' as const),
  limits: fc.record({ files: fc.bigInt({ min: 1n, max: 255n }), bytes: fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }) }, { requiredKeys: [] }),
});

function depthOf(nodes: readonly SourceNode[]): number {
  return nodes.reduce((deepest, node) => Math.max(deepest, node.kind === 'dir' ? 1 + depthOf(node.children) : 1), 0);
}

describe('decoding', () => {
  test.prop([fc.uint8Array({ maxLength: 2000 })], { numRuns: 400 })('any byte string decodes to an input the shape allows', (bytes) => {
    const input = decodeFuzzInput(bytes, SHAPE, 'structured');
    if (input.kind === 'tree') {
      expect(input.tree.length).toBeGreaterThan(0);
      expect(depthOf(input.tree)).toBeLessThanOrEqual(4);
      const names = input.tree.map((node) => node.name);
      expect(new Set(names).size).toBe(names.length);
      for (const node of input.tree) expect(node.kind).not.toBe('link'); // no top-level link
    } else {
      expect(input.stream).toBeInstanceOf(Uint8Array);
    }
  });

  test.prop([fc.uint8Array({ maxLength: 500 })], { numRuns: 200 })('raw mode: the input is the stream', (bytes) => {
    const input = decodeFuzzInput(bytes, SHAPE, 'raw');
    expect(input.kind).toBe('stream');
    if (input.kind === 'stream') expect(Buffer.from(input.stream)).toEqual(Buffer.from(bytes));
  });

  it('a sender alone is only given trees, a fixed profile is kept', () => {
    expect(decodeFuzzInput(Uint8Array.of(0, 0, 1, 97), { ...SHAPE, receiverStreams: false }, 'structured').kind).toBe('tree');
    const input = decodeFuzzInput(Uint8Array.of(1), { ...SHAPE, profile: 'unsafe-symlinks' }, 'structured');
    expect(input.kind === 'stream' && input.settings.profile).toBe('unsafe-symlinks');
  });

  it('each field byte lands on its field', () => {
    // settings: profile 1, files limit 3; a file named by table index 1, mode 0o4755, payload "xy"; then a cut of 1 byte.
    const bytes = Uint8Array.from([1 | 4, 3, 0, 0b0001_1010, 0xed, 0x09, 1, 2, 0, 0, 0, 0x78, 0x79, 7, 1]);
    const input = decodeFuzzInput(bytes, SHAPE, 'structured');
    expect(input.kind).toBe('stream');
    if (input.kind !== 'stream') return;
    expect(input.settings).toEqual({ profile: 'allow-all-names', limits: { files: 3n } });
    const full = buildStream([file(NAME_TABLE[1]!, 'xy', { mode: 0o4755 })]);
    expect(Buffer.from(input.stream)).toEqual(Buffer.from(full.subarray(0, full.length - 1)));
    const header = decodeFileHeader(input.stream);
    expect(header.ok && header.value.mode).toBe(0o104755);
  });

  it('a lying namelen and filelen are sent as given', () => {
    const bytes = Uint8Array.from([0, 0, 0b0110_0000, 1, 0, 0x61, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const input = decodeFuzzInput(bytes, SHAPE, 'structured');
    const header = input.kind === 'stream' ? decodeFileHeader(input.stream) : null;
    expect(header?.ok && header.value.namelen).toBe(255);
    expect(header?.ok && header.value.filelen).toBe(2n ** 64n - 1n);
  });
});

describe('encoding', () => {
  test.prop([anyStreamArb, settingsArb], { numRuns: 100 })('decode(encode(stream)) is the stream under the same settings', (stream, settings) => {
    const input = decodeFuzzInput(encodeStreamInput(stream, settings), SHAPE, 'structured');
    expect(input.kind).toBe('stream');
    if (input.kind !== 'stream') return;
    expect(Buffer.from(input.stream)).toEqual(Buffer.from(stream));
    expect(input.settings).toEqual(settings);
  });

  it('entries whose header is what their parts say are written in the readable form', () => {
    const stream = buildStream([dir('a'), file('a/b', 'hello', { mode: 0o600, mtime: 5 }), link('a/l', 'b'), endMarker()]);
    const encoded = encodeStreamInput(stream, { profile: 'default', limits: {} });
    expect([...encoded.subarray(0, 2)]).toEqual([0, 1]); // default settings, then a directory tag
    expect(encoded.includes(6)).toBe(true); // some byte 6 appears, but not as a framed-entry tag:
    const input = decodeFuzzInput(encoded, SHAPE, 'structured');
    expect(input.kind === 'stream' && Buffer.from(input.stream).equals(Buffer.from(stream))).toBe(true);
  });

  it('every catalogue stream is a seed that decodes back to itself', () => {
    const base = mkdtempSync(join(tmpdir(), 'qfc-codec-'));
    try {
      const sandbox = createSandbox(base, 'codec');
      for (const testCase of RECEIVER_CASES) {
        const stream = testCase.stream(sandbox);
        const settings = { profile: testCase.profile, limits: testCase.limits ?? {} };
        const input = decodeFuzzInput(encodeStreamInput(stream, settings), SHAPE, 'structured');
        expect(input.kind === 'stream' && Buffer.from(input.stream).equals(Buffer.from(stream)), testCase.id).toBe(true);
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('tree inputs', () => {
  const dropLast = (nodes: readonly SourceNode[]): SourceNode[] => nodes.slice(0, -1).map((node) => (node.kind === 'dir' ? { ...node, children: dropLast(node.children) } : node));

  test.prop([fc.uint8Array({ minLength: 1, maxLength: 1500 })], { numRuns: 300 })('a decoded tree, and any part of it, encodes to bytes that decode to it', (bytes) => {
    const input = decodeFuzzInput(Uint8Array.from([0x10, ...bytes.subarray(1)]), SHAPE, 'structured');
    expect(input.kind).toBe('tree');
    if (input.kind !== 'tree') return;
    const again = decodeFuzzInput(encodeTreeInput(input.tree, input.ignoreSymlinks, SHAPE), SHAPE, 'structured');
    expect(again).toEqual(input);
    const part = dropLast(input.tree);
    if (part.length === 0) return;
    expect(decodeFuzzInput(encodeTreeInput(part, true, SHAPE), SHAPE, 'structured')).toEqual({ kind: 'tree', tree: part, ignoreSymlinks: true });
  });

  it('large contents (the pattern) survive the round trip', () => {
    // a file node whose size field asks for the pattern: 65,530 + 3 × 512 bytes, seed 7
    const bytes = Uint8Array.from([0x10, 0, 0, 0, 0xa4, 0x01, ...new Array(16).fill(0), 0x03, 0xff, 7]);
    const input = decodeFuzzInput(bytes, SHAPE, 'structured');
    expect(input.kind === 'tree' && input.tree[0]?.kind === 'file' && input.tree[0].content.length).toBe(65_530 + 3 * 512);
    if (input.kind !== 'tree') return;
    expect(decodeFuzzInput(encodeTreeInput(input.tree, input.ignoreSymlinks, SHAPE), SHAPE, 'structured')).toEqual(input);
  });
});
