/**
 * Bytes of a stream written as parts (see stream-parts).
 */
import { encodeFileHeader, type FileHeader } from '../codec/file-header.js';
import { concatBytes } from '../byte-string.js';
import { sourceBytes as bytesOf, type EntryPart, type StreamPart } from './stream-parts.js';

/** Options of {@link buildStream}. */
export interface BuildOptions {
  /** Cut the stream to its first `truncateAt` bytes (a truncation point). */
  readonly truncateAt?: number;
}

/** The header, name and payload bytes of one entry. */
export function entryBytes(part: EntryPart): Uint8Array {
  const { settings } = part;
  const name = bytesOf(part.name);
  const wireName = settings.nul === false ? name : concatBytes([name, new Uint8Array(1)]);
  const payload = bytesOf(part.payload);
  const header: FileHeader = {
    namelen: wireName.length,
    mode: part.typeBits | (settings.mode ?? 0),
    filelen: BigInt(payload.length),
    atime: settings.atime ?? 0,
    atimeNsec: settings.atimeNsec ?? 0,
    mtime: settings.mtime ?? 0,
    mtimeNsec: settings.mtimeNsec ?? 0,
    ...settings.header,
  };
  return concatBytes([encodeFileHeader(header), wireName, payload]);
}

/** The stream made of `parts`, in order. */
export function buildStream(parts: readonly StreamPart[], options: BuildOptions = {}): Uint8Array {
  const chunks = parts.map((part) => {
    if (part.kind === 'entry') return entryBytes(part);
    if (part.kind === 'raw') return bytesOf(part.bytes);
    return encodeFileHeader({
      mode: 0,
      filelen: 0n,
      atime: 0,
      atimeNsec: 0,
      mtime: 0,
      mtimeNsec: 0,
      ...part.header,
      namelen: 0,
    });
  });
  const stream = concatBytes(chunks);
  return options.truncateAt === undefined ? stream : stream.slice(0, options.truncateAt);
}
