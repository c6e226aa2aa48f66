/**
 * Write all of `bytes` to a descriptor (writeSync may write less than asked).
 */
import { writeSync } from 'node:fs';
import { errnoOf } from './errno-of.js';

/** 0, or the errno of the failed write (ENOSPC, EDQUOT, EIO, …). */
export function writeAll(fd: number, bytes: Uint8Array): number {
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  } catch (error) {
    return errnoOf(error);
  }
  return 0;
}
