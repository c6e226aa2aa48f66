/**
 * The qubes.OpenInVM filename field (PROTOCOL §8): 256 bytes sent by the client before
 * the file content.
 *
 * Layout: an optional `view-only-` prefix, then the file's basename, NUL-padded, the
 * last byte always NUL. A basename too long for the 255 usable bytes is cut from the
 * left, keeping its end (where the extension is, which decides the opener) and keeping
 * the prefix intact so that the view-only request survives truncation.
 */
import { FILENAME_FIELD_SIZE, VIEW_ONLY_PREFIX } from '../constants.js';
import { bytesEqual, cString, utf8 } from '../byte-string.js';
import { truncated, type Decoded } from '../errors.js';

const SLASH = 0x2f;
const PREFIX = utf8(VIEW_ONLY_PREFIX);
const USABLE = FILENAME_FIELD_SIZE - 1;

/** What the field says. */
export interface FilenameField {
  readonly viewOnly: boolean;
  /** The basename as sent (before the server's sanitization). */
  readonly name: Uint8Array;
}

/** The part of a client path after its last `/` (the whole path when it has none). */
export function basenameOf(path: Uint8Array): Uint8Array {
  const slash = path.lastIndexOf(SLASH);
  return slash === -1 ? path : path.subarray(slash + 1);
}

/** The 256 bytes the client sends for `path`. */
export function encodeFilenameField(path: Uint8Array, viewOnly: boolean): Uint8Array {
  const prefix = viewOnly ? PREFIX : new Uint8Array(0);
  let base = cString(basenameOf(path));
  const room = USABLE - prefix.length;
  if (base.length > room) base = base.subarray(base.length - room);
  const field = new Uint8Array(FILENAME_FIELD_SIZE); // zero-filled: the NUL padding
  field.set(prefix, 0);
  field.set(base, prefix.length);
  return field;
}

/**
 * What the server reads from the first 256 bytes: the last byte is forced to NUL, the
 * name ends at the first NUL, and a leading `view-only-` is taken off as the flag.
 */
export function decodeFilenameField(bytes: Uint8Array): Decoded<FilenameField> {
  if (bytes.length < FILENAME_FIELD_SIZE) return truncated('filename-field', 0, FILENAME_FIELD_SIZE, bytes.length);
  const text = cString(bytes.subarray(0, USABLE));
  const viewOnly = text.length >= PREFIX.length && bytesEqual(text.subarray(0, PREFIX.length), PREFIX);
  return { ok: true, value: { viewOnly, name: new Uint8Array(viewOnly ? text.subarray(PREFIX.length) : text) } };
}
