import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeResult, encodeResult, type ResultMessage } from '../../../spec/codec/result-header.js';
import { concatBytes, fromHex } from '../../../spec/byte-string.js';
import { SpecUsageError } from '../../../spec/errors.js';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const resultArb: fc.Arbitrary<ResultMessage> = fc.record({
  errorCode: u32,
  crc32: u32,
  lastName: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: null }),
});

describe('result_header and result_header_ext codec', () => {
  test.prop([resultArb])('decode(encode(r)) is r, with zero pad and CRC high half and nothing trailing', (result) => {
    const decoded = decodeResult(encodeResult(result));
    expect(decoded).toEqual({ ok: true, value: { ...result, pad: 0, crcHigh: 0, trailing: new Uint8Array(0) } });
  });

  test.prop([fc.uint8Array({ maxLength: 80 })])('never throws on arbitrary receiver output', (bytes) => {
    const decoded = decodeResult(bytes);
    if (decoded.ok) expect(decoded.value.trailing.length).toBeLessThanOrEqual(bytes.length);
    else expect(decoded.error.available).toBeLessThan(decoded.error.needed);
  });

  it('reads upstream\'s result for "one file" (error 0, CRC, extension "a")', () => {
    const bytes = fromHex('0000000000000000' + '9bb8437500000000' + '01000000' + '61')!;
    expect(decodeResult(bytes)).toMatchObject({ ok: true, value: { errorCode: 0, crc32: 1967372443, lastName: new Uint8Array([0x61]) } });
  });

  it('keeps what a lying receiver puts in the pad and the CRC high half', () => {
    const bytes = encodeResult({ errorCode: 17, crc32: 5, lastName: null });
    bytes[4] = 1;
    bytes[15] = 0x80;
    expect(decodeResult(bytes)).toMatchObject({ ok: true, value: { errorCode: 17, pad: 1, crc32: 5, crcHigh: 0x8000_0000 } });
  });

  it('returns bytes after the extension as trailing', () => {
    const bytes = concatBytes([encodeResult({ errorCode: 0, crc32: 1, lastName: new Uint8Array([0x78]) }), new Uint8Array([9, 9])]);
    expect(decodeResult(bytes)).toMatchObject({ ok: true, value: { lastName: new Uint8Array([0x78]), trailing: new Uint8Array([9, 9]) } });
  });

  it('reports each truncation as a typed error with its offset', () => {
    expect(decodeResult(new Uint8Array(15))).toEqual({
      ok: false,
      error: { kind: 'truncated', field: 'result-header', offset: 0, needed: 16, available: 15 },
    });
    expect(decodeResult(new Uint8Array(18))).toEqual({
      ok: false,
      error: { kind: 'truncated', field: 'result-extension-length', offset: 16, needed: 4, available: 2 },
    });
    const lying = encodeResult({ errorCode: 0, crc32: 0, lastName: new Uint8Array(3) });
    lying[16] = 0xff;
    lying[19] = 0xff; // last_namelen 0xff0000ff with 3 bytes present: no allocation, a typed error
    expect(decodeResult(lying)).toEqual({
      ok: false,
      error: { kind: 'truncated', field: 'result-extension-name', offset: 20, needed: 0xff0000ff, available: 3 },
    });
  });

  it('refuses to encode values that do not fit', () => {
    expect(() => encodeResult({ errorCode: -1, crc32: 0, lastName: null })).toThrow(SpecUsageError);
    expect(() => encodeResult({ errorCode: 0, crc32: 2 ** 32, lastName: null })).toThrow(SpecUsageError);
  });
});
