import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Crc32Accumulator, crc32 } from '../../spec/crc.js';
import { utf8 } from '../../spec/byte-string.js';

describe('CRC-32', () => {
  it('is the zlib CRC (check value of "123456789", 32 zero bytes as in upstream\'s end marker)', () => {
    expect(crc32(utf8('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(32))).toBe(420107693);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  test.prop([fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 })])(
    'accumulating chunk by chunk equals the CRC of their concatenation',
    (chunks) => {
      const accumulator = new Crc32Accumulator();
      for (const chunk of chunks) accumulator.update(chunk);
      const whole = Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));
      expect(accumulator.value).toBe(crc32(whole));
      expect(accumulator.length).toBe(whole.length);
    },
  );
});
