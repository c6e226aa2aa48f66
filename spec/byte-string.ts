/**
 * Byte strings as the C receiver sees them: names are raw bytes, a NUL ends them,
 * and nothing is ever decoded as text unless a human is going to read it.
 */

const encoder = new TextEncoder();

/** UTF-8 bytes of a JavaScript string; names in tests and the builder are written this way. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The bytes before the first NUL (the whole array when there is none): C `strlen` semantics. */
export function cString(bytes: Uint8Array): Uint8Array {
  const nul = bytes.indexOf(0);
  return nul === -1 ? bytes : bytes.subarray(0, nul);
}

/**
 * A copy of `bytes` as a plain Uint8Array. Not `bytes.slice()`: on a Node Buffer, slice()
 * returns a view of the same memory, so a kept "copy" would change with a reused buffer.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** One array holding all parts in order. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** True when both arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lower-case hex of the bytes, for reports and stored test vectors. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** Bytes of a hex string; returns null on odd length or a non-hex digit (input may be hostile). */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
