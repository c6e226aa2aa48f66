/**
 * One non-ASCII character of a name, as the upstream validator reads it (PROTOCOL §3).
 *
 * The grammar is looser than RFC 3629 on purpose, as upstream's is: `E1-EF` takes any two
 * tails (so surrogates parse) and `F1-F4` any three (so values above U+10FFFF parse);
 * both are then refused because they are not in the allowlist. Overlong forms never parse:
 * `C0`, `C1` and `F5-FF` start nothing, `E0` needs `A0-BF`, `F0` needs `90-BF`.
 */
import { isAllowedCodePoint } from './allowlist.js';

function isTail(byte: number | undefined): byte is number {
  return byte !== undefined && byte >= 0x80 && byte <= 0xbf;
}

/**
 * Length of the allowed character starting at `at`, or 0 when the bytes there are not
 * one (bad grammar, end of name, or a code point outside the allowlist).
 */
export function allowedSequenceLength(name: Uint8Array, at: number): number {
  const lead = name[at]!;
  let length: number;
  let codePoint: number;
  let tailsFrom = at + 1;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    codePoint = lead & 0x1f;
  } else if (lead === 0xe0 || lead === 0xf0) {
    // the second byte is constrained to rule out overlong forms
    const second = name[at + 1];
    const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : [0x90, 0xbf];
    if (second === undefined || second < low || second > high) return 0;
    length = lead === 0xe0 ? 3 : 4;
    codePoint = second & 0x3f;
    tailsFrom = at + 2;
  } else if (lead >= 0xe1 && lead <= 0xef) {
    length = 3;
    codePoint = lead & 0x0f;
  } else if (lead >= 0xf1 && lead <= 0xf4) {
    length = 4;
    codePoint = lead & 0x07;
  } else {
    return 0; // a control character, DEL, a lone tail, C0/C1 or F5-FF
  }
  for (let i = tailsFrom; i < at + length; i++) {
    const tail = name[i];
    if (!isTail(tail)) return 0;
    codePoint = (codePoint << 6) | (tail & 0x3f);
  }
  return isAllowedCodePoint(codePoint) ? length : 0;
}
