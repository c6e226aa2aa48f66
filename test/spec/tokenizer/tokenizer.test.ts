import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../spec/builder/build-stream.js';
import { dir, endMarker, file, link, rawBytes, special } from '../../../spec/builder/stream-parts.js';
import { utf8 } from '../../../spec/byte-string.js';
import { S_IFIFO } from '../../../spec/constants.js';
import { SpecUsageError } from '../../../spec/errors.js';
import { StreamTokenizer } from '../../../spec/tokenizer/stream-tokenizer.js';
import { tokenize } from '../../../spec/tokenizer/tokenize.js';
import { hostileStreamArb as streamArb } from '../../helpers/arbitraries.js';
import { assertTiles, mergeChunks } from '../../helpers/event-laws.js';

const H = 32;

/** Split `stream` into chunks at the given cut points. */
function chunked(stream: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, stream.length]) {
    chunks.push(stream.subarray(start, point));
    start = point;
  }
  return chunks;
}

describe('tokenizer', () => {
  test.prop([streamArb])('never throws and its events tile the stream', (stream) => {
    assertTiles(tokenize(stream), stream.length);
  });

  test.prop([streamArb, fc.array(fc.nat(), { maxLength: 12 })])(
    'gives the same events whatever the chunking (file content merged)',
    (stream, cuts) => {
      const tokenizer = new StreamTokenizer();
      const events = chunked(stream, cuts).flatMap((chunk) => tokenizer.push(chunk));
      events.push(...tokenizer.finish());
      assertTiles(events, stream.length);
      expect(mergeChunks(events)).toEqual(mergeChunks(tokenize(stream)));
      expect(tokenizer.offset).toBe(stream.length);
    },
  );

  it('frames a file, a directory, a link and the end marker', () => {
    const stream = buildStream([dir('d'), file('d/f', 'hi'), link('d/l', 'f'), endMarker(), rawBytes('zz')]);
    const events = tokenize(stream);
    expect(events.map((event) => [event.kind, event.offset, event.length])).toEqual([
      ['header', 0, H],
      ['name', H, 2],
      ['header', H + 2, H],
      ['name', 2 * H + 2, 4],
      ['file-content', 2 * H + 6, 2],
      ['header', 2 * H + 8, H],
      ['name', 3 * H + 8, 4],
      ['link-target', 3 * H + 12, 1],
      ['end-marker', 3 * H + 13, H],
      ['trailing', 4 * H + 13, 2],
    ]);
    expect(events[3]).toMatchObject({ raw: utf8('d/f\0'), name: utf8('d/f') });
  });

  it('reads a name as a C string and a directory\'s filelen as nothing', () => {
    const stream = buildStream([dir('d', { header: { filelen: 99n } }), endMarker()]);
    const events = tokenize(stream);
    expect(events.map((event) => event.kind)).toEqual(['header', 'name', 'end-marker']);
    const name = tokenize(buildStream([file(utf8('a\0b'), '')]))[1];
    expect(name).toMatchObject({ kind: 'name', raw: utf8('a\0b\0'), name: utf8('a') });
  });

  it('emits a zero-length target for an empty link', () => {
    const events = tokenize(buildStream([link('d/l', ''), endMarker()]));
    expect(events[2]).toEqual({ kind: 'link-target', offset: H + 4, length: 0, raw: new Uint8Array(0), target: new Uint8Array(0) });
  });

  const truncations: readonly [string, Uint8Array, object][] = [
    ['empty stream: truncated at the header', new Uint8Array(0), { field: 'header', offset: 0, length: 0, missing: 32n }],
    ['inside a header', new Uint8Array(5), { field: 'header', offset: 0, length: 5, missing: 27n }],
    ['inside a name', buildStream([file('abc', 'x')]).subarray(0, H + 2), { field: 'name', offset: H, length: 2, missing: 2n }],
    ['inside file content', buildStream([file('a', 'hello')]).subarray(0, H + 4), { field: 'file-content', offset: H + 4, length: 0, missing: 3n }],
    ['inside a link target', buildStream([link('d/l', 'target')]).subarray(0, H + 6), { field: 'link-target', offset: H + 4, length: 2, missing: 4n }],
    ['after a complete entry', buildStream([file('a', 'x')]), { field: 'header', offset: H + 3, length: 0, missing: 32n }],
  ];
  for (const [what, stream, expected] of truncations) {
    it(`ends with a truncated event ${what}`, () => {
      const events = tokenize(stream);
      expect(events[events.length - 1]).toEqual({ kind: 'truncated', ...expected });
    });
  }

  const unframed: readonly [string, Uint8Array, string][] = [
    ['a namelen over 16383', buildStream([file('a', 'x', { header: { namelen: 16384 } })]), 'name-too-long'],
    ['a link target over 16383', buildStream([link('d/l', 'x', { header: { filelen: 16384n } })]), 'target-too-long'],
    ['a fifo', buildStream([special(S_IFIFO, 'p', 'payload'), endMarker()]), 'entry-type'],
  ];
  for (const [what, stream, reason] of unframed) {
    it(`stops framing after ${what}`, () => {
      const events = tokenize(stream);
      expect(events[events.length - 1]).toMatchObject({ kind: 'unframed', reason });
      assertTiles(events, stream.length);
    });
  }

  it('keeps file content out of its buffers: a 64 MiB declared file streams through', () => {
    const tokenizer = new StreamTokenizer();
    tokenizer.push(buildStream([file('big', '', { header: { filelen: 64n << 20n } })]));
    const chunk = new Uint8Array(1 << 20);
    for (let i = 0; i < 64; i++) {
      const events = tokenizer.push(chunk);
      expect(events).toHaveLength(1);
      expect(events[0]!.kind === 'file-content' && events[0]!.bytes.buffer).toBe(chunk.buffer);
    }
    expect(tokenizer.push(buildStream([endMarker()])).map((event) => event.kind)).toEqual(['end-marker']);
    expect(tokenizer.finish()).toEqual([]);
  });

  it('refuses a push after finish (a caller bug)', () => {
    const tokenizer = new StreamTokenizer();
    tokenizer.finish();
    expect(() => tokenizer.push(new Uint8Array(1))).toThrow(SpecUsageError);
  });
});
