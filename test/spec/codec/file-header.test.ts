import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeFileHeader, encodeFileHeader } from '../../../spec/codec/file-header.js';
import { fromHex } from '../../../spec/byte-string.js';
import { FILE_HEADER_SIZE } from '../../../spec/constants.js';
import { SpecUsageError } from '../../../spec/errors.js';
import { fileHeaderArb } from '../../helpers/arbitraries.js';
import { assertRoundTrip } from '../../helpers/laws.js';

describe('file_header codec', () => {
  test.prop([fileHeaderArb])('decode(encode(h)) is h over the full field ranges', (header) => {
    assertRoundTrip(header, encodeFileHeader, (bytes) => {
      const decoded = decodeFileHeader(bytes);
      if (!decoded.ok) throw new Error('a complete header failed to decode');
      return decoded.value;
    });
  });

  test.prop([fc.uint8Array({ minLength: FILE_HEADER_SIZE, maxLength: FILE_HEADER_SIZE })])(
    'encode(decode(b)) is b for any 32 bytes',
    (bytes) => {
      const decoded = decodeFileHeader(bytes);
      expect(decoded.ok && encodeFileHeader(decoded.value)).toEqual(bytes);
    },
  );

  it('is little-endian with filelen as a full u64 (upstream "one file" header)', () => {
    const bytes = fromHex('02000000a48100000200000000000000000000000000000000ca9a3b05000000')!;
    expect(decodeFileHeader(bytes)).toEqual({
      ok: true,
      value: { namelen: 2, mode: 0o100644, filelen: 2n, atime: 0, atimeNsec: 0, mtime: 1_000_000_000, mtimeNsec: 5 },
    });
    const huge = encodeFileHeader({ namelen: 1, mode: 0, filelen: 2n ** 64n - 1n, atime: 0, atimeNsec: 0, mtime: 0, mtimeNsec: 0 });
    expect([...huge.subarray(8, 16)]).toEqual(Array(8).fill(0xff));
  });

  it('decodes at an offset and reports a short input as a typed error', () => {
    const bytes = new Uint8Array(40);
    bytes[5] = 7; // namelen of a header starting at 5
    expect(decodeFileHeader(bytes, 5)).toMatchObject({ ok: true, value: { namelen: 7 } });
    expect(decodeFileHeader(bytes, 10)).toEqual({
      ok: false,
      error: { kind: 'truncated', field: 'file-header', offset: 10, needed: 32, available: 30 },
    });
    expect(decodeFileHeader(bytes, 50)).toMatchObject({ ok: false, error: { available: 0 } });
  });

  it('refuses to encode a value that does not fit its field', () => {
    const valid = { namelen: 1, mode: 0, filelen: 0n, atime: 0, atimeNsec: 0, mtime: 0, mtimeNsec: 0 };
    expect(() => encodeFileHeader({ ...valid, namelen: 2 ** 32 })).toThrow(SpecUsageError);
    expect(() => encodeFileHeader({ ...valid, mtime: -1 })).toThrow(SpecUsageError);
    expect(() => encodeFileHeader({ ...valid, atime: 1.5 })).toThrow(SpecUsageError);
    expect(() => encodeFileHeader({ ...valid, filelen: 2n ** 64n })).toThrow(SpecUsageError);
    expect(() => encodeFileHeader({ ...valid, filelen: -1n })).toThrow(SpecUsageError);
  });
});
