/**
 * Parts of a qfilecopy stream, written as data: `file('a/b', 'content', { mode: 0o644 })`,
 * `dir('a')`, `link('a/l', 'b')`, `endMarker()`, `rawBytes(...)`. {@link buildStream}
 * turns a list of parts into bytes.
 *
 * Defaults follow the reference sender: names carry a terminating NUL, directories and
 * links send the usual modes, times are 0. Any header field can be overridden (`header`),
 * and the name can be given as raw bytes without a NUL (`nul: false`), so hostile streams
 * are written with the same vocabulary as valid ones.
 */
import type { FileHeader } from '../codec/file-header.js';
import { utf8 } from '../byte-string.js';
import { S_IFDIR, S_IFLNK, S_IFREG } from '../constants.js';

/** A name or payload: text (written as UTF-8) or raw bytes. */
export type ByteSource = string | Uint8Array;

/** Settings shared by every entry part. */
export interface EntrySettings {
  /** Permission bits (type bits are added from the part's kind unless `header.mode` is given). */
  readonly mode?: number;
  readonly atime?: number;
  readonly atimeNsec?: number;
  readonly mtime?: number;
  readonly mtimeNsec?: number;
  /** Append a NUL to the name, as the reference sender does (default true). */
  readonly nul?: boolean;
  /** Raw header fields that replace the computed ones (e.g. a lying `namelen` or `filelen`). */
  readonly header?: Partial<FileHeader>;
}

/** One entry: header, name, payload. */
export interface EntryPart {
  readonly kind: 'entry';
  readonly typeBits: number;
  readonly name: ByteSource;
  readonly payload: ByteSource;
  readonly settings: EntrySettings;
}

/** The end marker, optionally with non-zero ignored fields. */
export interface EndMarkerPart {
  readonly kind: 'end-marker';
  readonly header?: Partial<Omit<FileHeader, 'namelen'>>;
}

/** Bytes copied into the stream as they are (trailing garbage, a hand-made header). */
export interface RawPart {
  readonly kind: 'raw';
  readonly bytes: ByteSource;
}

/** Anything {@link buildStream} accepts. */
export type StreamPart = EntryPart | EndMarkerPart | RawPart;

const DEFAULT_FILE_PERMISSIONS = 0o644;
const DEFAULT_DIRECTORY_PERMISSIONS = 0o755;
const LINK_PERMISSIONS = 0o777;

/** A regular file. */
export function file(name: ByteSource, content: ByteSource = '', settings: EntrySettings = {}): EntryPart {
  return { kind: 'entry', typeBits: S_IFREG, name, payload: content, settings: { mode: DEFAULT_FILE_PERMISSIONS, ...settings } };
}

/** A directory (no payload; filelen 0). */
export function dir(name: ByteSource, settings: EntrySettings = {}): EntryPart {
  return { kind: 'entry', typeBits: S_IFDIR, name, payload: '', settings: { mode: DEFAULT_DIRECTORY_PERMISSIONS, ...settings } };
}

/** A symbolic link `name → target`. */
export function link(name: ByteSource, target: ByteSource, settings: EntrySettings = {}): EntryPart {
  return { kind: 'entry', typeBits: S_IFLNK, name, payload: target, settings: { mode: LINK_PERMISSIONS, ...settings } };
}

/** An entry of any type bits (a fifo, a device, 0, an undefined type) with an optional payload. */
export function special(typeBits: number, name: ByteSource, payload: ByteSource = '', settings: EntrySettings = {}): EntryPart {
  return { kind: 'entry', typeBits, name, payload, settings: { mode: DEFAULT_FILE_PERMISSIONS, ...settings } };
}

/** The end marker (32 zero bytes unless fields are overridden). */
export function endMarker(header: EndMarkerPart['header'] = {}): EndMarkerPart {
  return { kind: 'end-marker', header };
}

/** Raw bytes. */
export function rawBytes(bytes: ByteSource): RawPart {
  return { kind: 'raw', bytes };
}

/** The bytes of a name or payload (text as UTF-8). */
export function sourceBytes(source: ByteSource): Uint8Array {
  return typeof source === 'string' ? utf8(source) : source;
}

/** `entry` with raw header fields overridden, and another payload if given. */
export function withHeaderFields(entry: EntryPart, fields: Partial<FileHeader>, payload: ByteSource = entry.payload): EntryPart {
  return { ...entry, payload, settings: { ...entry.settings, header: { ...entry.settings.header, ...fields } } };
}
