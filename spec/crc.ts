/**
 * CRC-32 of qfilecopy (PROTOCOL §1): the zlib/gzip CRC, taken from `node:zlib` rather
 * than a table of our own, so the spec cannot share a bug with an implementation that
 * hand-rolls it.
 */
import * as zlib from 'node:zlib';

/** CRC-32 of `bytes`, continuing from `previous` (0 to start). */
export function crc32(bytes: Uint8Array, previous = 0): number {
  return zlib.crc32(bytes, previous);
}

/** An incremental CRC over the bytes a receiver or sender has consumed so far. */
export class Crc32Accumulator {
  #value = 0;
  #length = 0;

  /** Add the next consumed bytes. */
  update(bytes: Uint8Array): void {
    this.#value = zlib.crc32(bytes, this.#value);
    this.#length += bytes.length;
  }

  /** The CRC of everything added so far. */
  get value(): number {
    return this.#value;
  }

  /** How many bytes were added. */
  get length(): number {
    return this.#length;
  }
}
