import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodePathKey, encodePathKey, wellFormedSequenceLength } from '../../spec/path-key.js';
import { utf8 } from '../../spec/byte-string.js';
import { assertRoundTrip } from '../helpers/laws.js';

describe('path keys', () => {
  const bytesArb = fc.oneof(fc.uint8Array({ maxLength: 32 }), fc.uint8Array({ maxLength: 8 }).map((rest) => Uint8Array.from([0xef, 0xbb, 0xbf, ...rest])));
  test.prop([bytesArb])('decode(encode(bytes)) is bytes', (bytes) => {
    assertRoundTrip(bytes, encodePathKey, (key) => decodePathKey(key)!);
  });

  test.prop([fc.string({ unit: 'grapheme', maxLength: 16 }).filter((s) => !s.includes('\\'))])(
    'a UTF-8 name without backslash is its own key',
    (name) => {
      expect(encodePathKey(utf8(name))).toBe(name);
    },
  );

  test.prop([fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 })])(
    'an escaped key is the escaped keys of its components joined by /',
    (a, b) => {
      const left = a.map((x) => (x === 0x2f ? 0x5c : x));
      const right = b.map((x) => (x === 0x2f ? 0xff : x)); // 0xff forces the escaped form
      const joined = Uint8Array.from([...left, 0x2f, ...right, 0xff]);
      const escape = (bytes: Uint8Array): string => encodePathKey(Uint8Array.from([...bytes, 0xff])).slice(0, -4);
      expect(encodePathKey(joined)).toBe(`${escape(left)}/${escape(right)}\\xff`);
    },
  );

  it('escapes invalid bytes and backslashes so the two forms never collide', () => {
    expect(encodePathKey(Uint8Array.from([0x61, 0xff]))).toBe('a\\xff');
    expect(encodePathKey(utf8('a\\xff'))).toBe('a\\\\xff');
    expect(encodePathKey(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe('\\xed\\xa0\\x80'); // a surrogate is not UTF-8
    expect(encodePathKey(Uint8Array.from([0xce, 0xb2, 0xff]))).toBe('β\\xff');
  });

  it('keeps a leading byte order mark: it is part of the name (a fuzz campaign found it dropped)', () => {
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, 0x78]);
    expect(encodePathKey(bom)).toBe('\ufeffx');
    expect(decodePathKey(encodePathKey(bom))).toEqual(bom);
    expect(encodePathKey(Uint8Array.from([0xef, 0xbb, 0xbf, 0xff]))).toBe('\ufeff\\xff');
  });

  it('returns null for a malformed escape', () => {
    expect(decodePathKey('a\\q')).toBeNull();
    expect(decodePathKey('a\\x4')).toBeNull();
    expect(decodePathKey('a\\')).toBeNull();
  });

  it('measures well-formed UTF-8 sequences by Unicode Table 3-7', () => {
    const length = (...bytes: number[]): number => wellFormedSequenceLength(Uint8Array.from(bytes), 0);
    expect([length(0x41), length(0xc2, 0x80), length(0xe0, 0xa0, 0x80), length(0xf0, 0x90, 0x80, 0x80)]).toEqual([1, 2, 3, 4]);
    expect([length(0xc1, 0x80), length(0xe0, 0x9f, 0x80), length(0xed, 0xa0, 0x80), length(0xf4, 0x90, 0x80, 0x80)]).toEqual([0, 0, 0, 0]);
    expect([length(0xf5, 0x80, 0x80, 0x80), length(0xe1, 0x80), length(0xe1, 0x80, 0x41)]).toEqual([0, 0, 0]);
  });
});
