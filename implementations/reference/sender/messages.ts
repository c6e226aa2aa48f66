/**
 * What the sender tells the user about a result (PROTOCOL §4), upstream's wording in spirit.
 */
import { Errno, LEGAL_EOF, PRINTABLE_ASCII_FIRST, PRINTABLE_ASCII_LAST, REPLACEMENT_BYTE } from '../../../spec/constants.js';

const QUOTE = 0x22;

// strerror() of glibc for the codes a receiver reports.
const STRERROR: Readonly<Record<number, string>> = {
  1: 'Operation not permitted',
  [Errno.ENOENT]: 'No such file or directory',
  5: 'Input/output error',
  12: 'Cannot allocate memory',
  [Errno.EACCES]: 'Permission denied',
  [Errno.EEXIST]: 'File exists',
  [Errno.ENOTDIR]: 'Not a directory',
  21: 'Is a directory',
  [Errno.EINVAL]: 'Invalid argument',
  27: 'File too large',
  28: 'No space left on device',
  30: 'Read-only file system',
  [Errno.ENAMETOOLONG]: 'File name too long',
  [Errno.ELOOP]: 'Too many levels of symbolic links',
  [Errno.ENOLINK]: 'Link has been severed',
  [Errno.EILSEQ]: 'Invalid or incomplete multibyte or wide character',
  [Errno.EREMOTEIO]: 'Remote I/O error',
  [Errno.EDQUOT]: 'Disk quota exceeded',
};

/** A remote name made safe to print: bytes outside 0x20..0x7E and `"` become `_`. */
export function sanitizeRemoteName(name: Uint8Array): string {
  return String.fromCharCode(
    ...name.map((byte) => (byte < PRINTABLE_ASCII_FIRST || byte > PRINTABLE_ASCII_LAST || byte === QUOTE ? REPLACEMENT_BYTE : byte)),
  );
}

function describe(code: number): string {
  switch (code) {
    case Errno.EEXIST:
      return 'not overwriting an existing file; clean the QubesIncoming directory and retry';
    case Errno.EINVAL:
      return 'corrupted data from packer';
    case Errno.EILSEQ:
      return 'forbidden character in file name';
    case Errno.ENOLINK:
      return 'cannot verify that the symlink would not be broken';
    case LEGAL_EOF:
      return 'unexpected end of data';
    default:
      return STRERROR[code] ?? `error ${code}`;
  }
}

/** The message for a failed result, with the sanitized last name when there is one. */
export function failureMessage(code: number, lastName: Uint8Array | null): string {
  const last = lastName === null || lastName.length === 0 ? '' : `; Last file: "${sanitizeRemoteName(lastName)}"`;
  return `File copy: ${describe(code)}${last}`;
}
