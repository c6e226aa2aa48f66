/**
 * Times a header carries, as the receiver applies them.
 */
import type { FileHeader } from '../codec/file-header.js';
import { MAX_NSEC } from '../constants.js';

/** True when both nanosecond fields are valid `timespec` values. */
export function timesValid(header: FileHeader): boolean {
  return header.atimeNsec <= MAX_NSEC && header.mtimeNsec <= MAX_NSEC;
}

/** Seconds and nanoseconds of a header time as nanoseconds since the epoch. */
export function nanoseconds(seconds: number, nsec: number): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nsec);
}
