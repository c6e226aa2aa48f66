/**
 * Synchronous reads of standard input for the OpenInVM programs, which do one thing at a
 * time: read the filename field, then copy the rest.
 */
import { readSync, writeSync } from 'node:fs';

const CHUNK = 1 << 16;

/** Up to `length` bytes from `fd`, fewer only at end of input. */
export function readUpTo(fd: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buffer, got, length - got, null);
    if (n === 0) break;
    got += n;
  }
  return buffer.subarray(0, got);
}

/** Copy `from` to `to` until end of input; returns the number of bytes copied. */
export function copyAll(from: number, to: number): number {
  const buffer = Buffer.allocUnsafe(CHUNK);
  let total = 0;
  for (;;) {
    const n = readSync(from, buffer, 0, CHUNK, null);
    if (n === 0) return total;
    let written = 0;
    while (written < n) written += writeSync(to, buffer, written, n - written);
    total += n;
  }
}
