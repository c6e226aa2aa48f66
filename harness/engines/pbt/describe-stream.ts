/**
 * A stream as lines a maintainer can read: one line per entry (type, name, the header
 * fields that are not what a correct sender writes, the payload), the end marker, and raw
 * bytes where the stream cannot be framed. Built on streamPartsOf, so any stream works.
 */
import { sourceBytes as bytesOf, type StreamPart } from '../../../spec/builder/stream-parts.js';
import type { FileHeader } from '../../../spec/codec/file-header.js';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK } from '../../../spec/constants.js';
import { encodePathKey } from '../../../spec/path-key.js';
import { streamPartsOf } from './arbitraries/stream-parts-of.js';

const TYPES: Readonly<Record<number, string>> = { [S_IFREG]: 'file', [S_IFDIR]: 'dir', [S_IFLNK]: 'link', [S_IFIFO]: 'fifo', [S_IFCHR]: 'char-device', [S_IFBLK]: 'block-device', [S_IFSOCK]: 'socket' };
const PREVIEW = 24;

const quoted = (bytes: Uint8Array): string => JSON.stringify(encodePathKey(bytes));

function preview(bytes: Uint8Array): string {
  const shown = quoted(bytes.subarray(0, PREVIEW));
  return bytes.length > PREVIEW ? `${shown}… (${bytes.length} bytes)` : shown;
}

function describePart(part: StreamPart): string {
  if (part.kind === 'raw') {
    const bytes = bytesOf(part.bytes);
    return `raw ${bytes.length} bytes ${Buffer.from(bytes.subarray(0, PREVIEW)).toString('hex')}${bytes.length > PREVIEW ? '…' : ''}`;
  }
  if (part.kind === 'end-marker') {
    const fields = Object.entries(part.header ?? {}).filter(([, value]) => value !== 0 && value !== 0n);
    return fields.length === 0 ? 'end marker' : `end marker with ${fields.map(([key, value]) => `${key} ${String(value)}`).join(', ')}`;
  }
  // streamPartsOf gives every entry its whole header.
  const header = part.settings.header as FileHeader;
  const wire = bytesOf(part.name);
  const nul = wire.indexOf(0);
  const name = nul < 0 ? wire : wire.subarray(0, nul);
  const type = TYPES[header.mode & S_IFMT] ?? `type 0o${(header.mode & S_IFMT).toString(8)}`;
  const words = [type, quoted(name), `mode 0o${(header.mode & 0o7777).toString(8).padStart(4, '0')}`];
  if (nul !== wire.length - 1) words.push(nul < 0 ? 'name without NUL' : `name field of ${wire.length} bytes (NUL at ${nul})`);
  const payload = bytesOf(part.payload);
  if ((header.mode & S_IFMT) !== S_IFDIR || header.filelen !== 0n) words.push(`filelen ${header.filelen}`);
  if (payload.length > 0) words.push(`${(header.mode & S_IFMT) === S_IFLNK ? 'target' : 'content'} ${preview(payload)}`);
  for (const key of ['atime', 'atimeNsec', 'mtime', 'mtimeNsec'] as const) if (header[key] !== 0) words.push(`${key} ${header[key]}`);
  return words.join(' ');
}

/** One line per part of `stream` (one line saying so for an empty stream). */
export function describeStream(stream: Uint8Array): string[] {
  if (stream.length === 0) return ['(empty: not a single byte)'];
  return streamPartsOf(stream).map(describePart);
}
