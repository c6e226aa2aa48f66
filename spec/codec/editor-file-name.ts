/**
 * The name under which the qubes.OpenInVM server (vm-file-editor) stores the file it
 * receives (PROTOCOL §8).
 *
 * A name containing `/` is refused outright (it is checked before substitution, which
 * would otherwise hide it); every other byte outside `[0-9A-Za-z._+@-]` becomes `_`,
 * byte by byte, so a multi-byte character becomes several underscores. A result that is
 * empty, `.` or `..` is refused too: it would name the private directory or its parent,
 * not a new file.
 */
import { REPLACEMENT_BYTE } from '../constants.js';

const SLASH = 0x2f;
const DOT = 0x2e;

/** Why a filename is refused. */
export type EditorNameRefusal = 'contains-slash' | 'empty' | 'dot-name';

/** The sanitized name, or why there is none. */
export type EditorFileName =
  | { readonly ok: true; readonly name: Uint8Array }
  | { readonly ok: false; readonly reason: EditorNameRefusal };

function isKept(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    byte === DOT ||
    byte === 0x5f || // _
    byte === 0x2b || // +
    byte === 0x40 || // @
    byte === 0x2d // -
  );
}

/** Sanitize a name taken from the filename field (prefix already removed). */
export function sanitizeEditorFileName(name: Uint8Array): EditorFileName {
  if (name.includes(SLASH)) return { ok: false, reason: 'contains-slash' };
  const out = name.map((byte) => (isKept(byte) ? byte : REPLACEMENT_BYTE));
  if (out.length === 0) return { ok: false, reason: 'empty' };
  if (out.every((byte) => byte === DOT) && out.length <= 2) return { ok: false, reason: 'dot-name' };
  return { ok: true, name: out };
}
