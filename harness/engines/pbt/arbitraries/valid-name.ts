/**
 * Valid name components (PROTOCOL §3): printable ASCII without `/`, and characters of
 * upstream's Unicode allowlist, never `.` or `..`, at most NAME_MAX bytes. Mostly short,
 * sometimes exactly at or just under NAME_MAX, where receivers' buffers are tested.
 */
import fc from 'fast-check';
import { NAME_MAX } from '../../../../spec/constants.js';
import { ALLOWLIST_RANGES } from '../../../../spec/validator/allowlist.js';

/** A code point of upstream's allowlist outside ASCII. */
export const allowedNonAsciiArb: fc.Arbitrary<string> = fc
  .constantFrom(...ALLOWLIST_RANGES.filter(([, last]) => last > 0x7f))
  .chain(([first, last]) => fc.integer({ min: Math.max(first, 0x80), max: last }))
  .map((codePoint) => String.fromCodePoint(codePoint));

/** Printable ASCII without `/`. */
const safeAsciiArb: fc.Arbitrary<string> = fc
  .integer({ min: 0x20, max: 0x7e })
  .filter((byte) => byte !== 0x2f)
  .map((byte) => String.fromCharCode(byte));

const encoder = new TextEncoder();

/** `text` cut to at most `limit` UTF-8 bytes, on a character boundary. */
function fitBytes(text: string, limit: number): string {
  let out = '';
  let length = 0;
  for (const char of text) {
    const size = encoder.encode(char).length;
    if (length + size > limit) break;
    out += char;
    length += size;
  }
  return out;
}

const shortArb = fc
  .array(fc.oneof({ weight: 4, arbitrary: safeAsciiArb }, { weight: 1, arbitrary: allowedNonAsciiArb }), { minLength: 1, maxLength: 12 })
  .map((chars) => chars.join(''));

// Long names: a run of one character to a boundary length, with a short varied prefix.
const longArb = fc
  .tuple(shortArb, fc.oneof(safeAsciiArb, allowedNonAsciiArb), fc.constantFrom(NAME_MAX, NAME_MAX - 1, NAME_MAX - 2, 200))
  .map(([prefix, fill, length]) => fitBytes(prefix + fill.repeat(length), length));

/** One valid name component. */
export const validComponentArb: fc.Arbitrary<string> = fc
  .oneof({ weight: 19, arbitrary: shortArb }, { weight: 1, arbitrary: longArb })
  .filter((name) => name !== '.' && name !== '..' && name.length > 0);
