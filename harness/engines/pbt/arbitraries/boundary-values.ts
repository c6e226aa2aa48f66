/**
 * Header field values at the edges the receiver's rules draw (PROTOCOL §1–§4), for the
 * near-valid and hostile stream arbitraries. Each list is ordered benign first: fast-check
 * shrinks a constant towards the start of its list.
 */
import {
  MAX_FILE_LENGTH,
  MAX_NAME_LENGTH,
  MAX_NSEC,
  S_IFBLK,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFLNK,
  S_IFREG,
  S_IFSOCK,
  U32_MAX,
  U64_MAX,
} from '../../../../spec/constants.js';

/** `namelen`: 0 is the end marker, 16383 the longest name, 16384 one too long. */
export const NAMELEN_BOUNDARIES: readonly number[] = [1, 2, 0, MAX_NAME_LENGTH, MAX_NAME_LENGTH + 1, 255, 256, 4096, U32_MAX];

/** `filelen`: around a link target's limit and around the sign bit of a 64-bit length. */
export const FILELEN_BOUNDARIES: readonly bigint[] = [
  0n, 1n, 2n, 31n, 32n, BigInt(MAX_NAME_LENGTH), BigInt(MAX_NAME_LENGTH + 1), 65_536n, MAX_FILE_LENGTH, MAX_FILE_LENGTH + 1n, U64_MAX,
];

/** Nanoseconds: the last valid value and the first invalid ones. */
export const NSEC_BOUNDARIES: readonly number[] = [0, 1, MAX_NSEC, MAX_NSEC + 1, 2 ** 31, U32_MAX];

/** Seconds: the epoch, the 32-bit signed and unsigned edges. */
export const SECONDS_BOUNDARIES: readonly number[] = [0, 1, 2 ** 31 - 1, 2 ** 31, U32_MAX];

/** Type bits: the three allowed types, every special type, no type, and undefined ones. */
export const TYPE_BITS: readonly number[] = [S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK, 0, 0o170000, 0o030000, 0o050000];

/** Permission bits: ordinary, none, read-only, and every special bit. */
export const PERMISSION_BOUNDARIES: readonly number[] = [0o644, 0o755, 0o000, 0o555, 0o444, 0o4755, 0o2755, 0o6755, 0o1777, 0o7777, 0o300];
