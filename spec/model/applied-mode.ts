/**
 * The permission bits a receiver applies from a header's mode.
 */
import { PERMISSION_BITS, SET_ID_BITS } from '../constants.js';
import type { ReceiverState } from './receiver-state.js';

/**
 * Upstream applies `mode & 0o7777`, set-id bits included (quirk 4, recorded on the state);
 * the spec clears setuid and setgid.
 */
export function appliedPermissions(state: ReceiverState, mode: number): number {
  const requested = mode & PERMISSION_BITS;
  if ((requested & SET_ID_BITS) !== 0) state.exercise('quirk.no-set-id');
  if (!state.upstream) return requested & ~SET_ID_BITS;
  if ((requested & SET_ID_BITS) !== 0) state.quirks.add('set-id-applied');
  return requested;
}
