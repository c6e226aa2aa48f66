/**
 * A reversible string form of a byte path, used as a key in trees and snapshots.
 *
 * Names on the wire are bytes and need not be UTF-8 (`--allow-all-names`), yet trees,
 * snapshots and reports want plain string keys. A path that is valid UTF-8 and holds
 * no backslash is its own key, so ordinary names read naturally in tests and reports.
 * Any other path is written in escaped form: a backslash becomes `\\` and each byte
 * that is not part of a well-formed UTF-8 sequence becomes `\xHH`. An escaped key
 * always contains a backslash and a plain one never does, so decoding is unambiguous.
 * The form is compositional over `/`: a slash is never part of a multi-byte sequence.
 */

import { concatBytes } from './byte-string.js';

const BACKSLASH = 0x5c;
const ESCAPED_BACKSLASH = Uint8Array.of(BACKSLASH);
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // ignoreBOM keeps a leading U+FEFF: it is part of the name

/**
 * Length of the well-formed UTF-8 sequence starting at `at` (Unicode Table 3-7), or 0
 * when the byte there does not start one. ASCII counts as a one-byte sequence.
 */
export function wellFormedSequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at]!;
  if (lead < 0x80) return 1;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f; // surrogates are not scalar values
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return 0;
  if (at + length > bytes.length) return 0;
  const second = bytes[at + 1]!;
  if (second < low || second > high) return 0;
  for (let i = 2; i < length; i++) {
    const tail = bytes[at + i]!;
    if (tail < 0x80 || tail > 0xbf) return 0;
  }
  return length;
}

/** The key of a byte path. */
export function encodePathKey(bytes: Uint8Array): string {
  if (!bytes.includes(BACKSLASH)) {
    try {
      return decoder.decode(bytes);
    } catch {
      // not UTF-8: fall through to the escaped form
    }
  }
  let out = '';
  let at = 0;
  while (at < bytes.length) {
    const length = wellFormedSequenceLength(bytes, at);
    if (length === 0) {
      out += `\\x${bytes[at]!.toString(16).padStart(2, '0')}`;
      at += 1;
    } else if (bytes[at] === BACKSLASH) {
      out += '\\\\';
      at += 1;
    } else {
      out += decoder.decode(bytes.subarray(at, at + length));
      at += length;
    }
  }
  return out;
}

/** The bytes of a key made by {@link encodePathKey}; null when an escape is malformed. */
export function decodePathKey(key: string): Uint8Array | null {
  if (!key.includes('\\')) return encoder.encode(key);
  // Runs between escapes are encoded whole: a code point at a time cost the fuzz targets
  // a tenth of their time on keys of random bytes.
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < key.length) {
    const escape = key.indexOf('\\', at);
    const runEnd = escape === -1 ? key.length : escape;
    if (runEnd > at) parts.push(encoder.encode(key.slice(at, runEnd)));
    if (escape === -1) break;
    const next = key[escape + 1];
    if (next === '\\') {
      parts.push(ESCAPED_BACKSLASH);
      at = escape + 2;
    } else if (next === 'x' && /^[0-9a-f]{2}$/.test(key.slice(escape + 2, escape + 4))) {
      parts.push(Uint8Array.of(parseInt(key.slice(escape + 2, escape + 4), 16)));
      at = escape + 4;
    } else return null;
  }
  return concatBytes(parts);
}
