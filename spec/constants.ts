/**
 * Every size, offset, type bit, flag, errno value and limit of qfilecopy, named once.
 *
 * Facts from PROTOCOL.md §1–§4 and §8. Other modules import these names and never
 * repeat the literals, so a reader can check the whole wire contract on one page.
 */

/** Size in bytes of a `file_header` (PROTOCOL §1). */
export const FILE_HEADER_SIZE = 32;

/** Byte offset and width of each `file_header` field; all little-endian. */
export const FILE_HEADER_LAYOUT = {
  namelen: { offset: 0, size: 4 },
  mode: { offset: 4, size: 4 },
  filelen: { offset: 8, size: 8 },
  atime: { offset: 16, size: 4 },
  atimeNsec: { offset: 20, size: 4 },
  mtime: { offset: 24, size: 4 },
  mtimeNsec: { offset: 28, size: 4 },
} as const;

/** Size in bytes of a `result_header` (PROTOCOL §1). */
export const RESULT_HEADER_SIZE = 16;

/** Byte offset and width of each `result_header` field. */
export const RESULT_HEADER_LAYOUT = {
  errorCode: { offset: 0, size: 4 },
  pad: { offset: 4, size: 4 },
  crc32: { offset: 8, size: 8 },
} as const;

/** Width of `last_namelen`, the only fixed field of `result_header_ext`. */
export const RESULT_EXTENSION_LENGTH_SIZE = 4;

/**
 * Upstream's name buffer holds 16384 bytes including the terminating NUL, so the
 * longest name and the longest link target are one byte shorter.
 */
export const MAX_PATH_BUFFER = 16384;
/** Longest `namelen` and longest symlink `filelen` a receiver accepts (PROTOCOL §2). */
export const MAX_NAME_LENGTH = MAX_PATH_BUFFER - 1;

/**
 * Linux limits the receiver meets through its system calls, not through the protocol:
 * a path component longer than NAME_MAX fails its lookup (ext4, tmpfs) and a symlink
 * target of PATH_MAX bytes or more fails `symlinkat`, both with ENAMETOOLONG.
 */
export const NAME_MAX = 255;
/** See {@link NAME_MAX}. */
export const PATH_MAX = 4096;

/** Largest valid nanosecond field; upstream rejects anything above it. */
export const MAX_NSEC = 999_999_999;

/**
 * The nanosecond values utimensat gives a meaning of its own ("now", "leave as it is"), both
 * above MAX_NSEC: a receiver that forwards header times unchecked honours them instead of
 * refusing them (upstream did until qubes-linux-utils da18bd6).
 */
export const UTIME_NOW = 2 ** 30 - 1;
export const UTIME_OMIT = 2 ** 30 - 2;

/** `filelen` above this is refused: sizes are signed 64-bit elsewhere in the receiver. */
export const MAX_FILE_LENGTH = 2n ** 63n - 1n;

/** Largest value of a 32-bit header field. */
export const U32_MAX = 0xffff_ffff;
/** Largest value of a 64-bit header field. */
export const U64_MAX = 2n ** 64n - 1n;

/** `st_mode` file-type mask (PROTOCOL §1). */
export const S_IFMT = 0o170000;
/** Regular file. */
export const S_IFREG = 0o100000;
/** Directory. */
export const S_IFDIR = 0o040000;
/** Symbolic link. */
export const S_IFLNK = 0o120000;
/** Character device (hostile input only). */
export const S_IFCHR = 0o020000;
/** Block device (hostile input only). */
export const S_IFBLK = 0o060000;
/** FIFO (hostile input only). */
export const S_IFIFO = 0o010000;
/** Socket (hostile input only). */
export const S_IFSOCK = 0o140000;

/** Permission bits a receiver may apply: `mode & 0o7777` (PROTOCOL §2). */
export const PERMISSION_BITS = 0o7777;
/** setuid and setgid; see the 'spec' position on quirk 4 in model/positions. */
export const SET_ID_BITS = 0o6000;

/** Mode of a directory created on its first header (PROTOCOL §2). */
export const NEW_DIRECTORY_PERMISSIONS = 0o700;
/** Mode of an `O_TMPFILE` file before the header's mode is applied. */
export const TMPFILE_PERMISSIONS = 0o700;
/** Mode of a file created by upstream's fallback path (no `O_TMPFILE`). */
export const FALLBACK_FILE_PERMISSIONS = 0o000;
/** Mode a Linux symlink always has. */
export const SYMLINK_PERMISSIONS = 0o777;

/** Linux errno values that appear in qfilecopy results (PROTOCOL §4). */
export const Errno = {
  ENOENT: 2,
  EACCES: 13,
  EEXIST: 17,
  ENOTDIR: 20,
  EINVAL: 22,
  ENAMETOOLONG: 36,
  ELOOP: 40,
  ENOLINK: 67,
  EILSEQ: 84,
  EREMOTEIO: 121,
  EDQUOT: 122,
} as const;

/** Result code for a stream that ended inside an entry: not an errno, a qfilecopy constant. */
export const LEGAL_EOF = 31415926;

/** Success result code. */
export const RESULT_OK = 0;

/** Exit status is the result code modulo 256 (PROTOCOL §2). */
export const EXIT_STATUS_MODULUS = 256;

/** Exit status of upstream's fatal path (quirk 2: `errx(1, …)`), which sends no result. */
export const FATAL_EXIT_STATUS = 1;

/** Flags of the upstream validator (PROTOCOL §3). */
export const ValidatorFlag = {
  UNSAFE_CHARACTERS: 1,
  NON_CANONICAL_SYMLINKS: 2,
  UNSAFE_SYMLINKS: 4,
  NON_CANONICAL_PATHS: 8,
  TRAILING_SLASH: 16,
} as const;

/** Every validator flag bit; others are rejected as EINVAL like upstream's flag check. */
export const ALL_VALIDATOR_FLAGS = 0b11111;

/** First printable ASCII byte: 0x20..0x7E are always accepted in names and kept when sanitizing. */
export const PRINTABLE_ASCII_FIRST = 0x20;
/** Last printable ASCII byte. */
export const PRINTABLE_ASCII_LAST = 0x7e;

/** Size of the qubes.OpenInVM filename field (PROTOCOL §8). */
export const FILENAME_FIELD_SIZE = 256;
/** Prefix of the filename field when the client asks for viewing only. */
export const VIEW_ONLY_PREFIX = 'view-only-';
/** Byte the editor server and the sender's display substitute for unsafe characters. */
export const REPLACEMENT_BYTE = 0x5f; // '_'
