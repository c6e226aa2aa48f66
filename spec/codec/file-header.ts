/**
 * `file_header` codec (PROTOCOL §1): 32 bytes, little-endian, `filelen` a full u64.
 */
import { FILE_HEADER_LAYOUT as F, FILE_HEADER_SIZE, U32_MAX, U64_MAX } from '../constants.js';
import { SpecUsageError, truncated, type Decoded } from '../errors.js';

/** One decoded `file_header`. `filelen` is a bigint because it spans the full 64-bit range. */
export interface FileHeader {
  readonly namelen: number;
  readonly mode: number;
  readonly filelen: bigint;
  readonly atime: number;
  readonly atimeNsec: number;
  readonly mtime: number;
  readonly mtimeNsec: number;
}

const U32_FIELDS = ['namelen', 'mode', 'atime', 'atimeNsec', 'mtime', 'mtimeNsec'] as const;

/** The 32 wire bytes of a header. Throws {@link SpecUsageError} if a field does not fit its width. */
export function encodeFileHeader(header: FileHeader): Uint8Array {
  const bytes = new Uint8Array(FILE_HEADER_SIZE);
  const view = new DataView(bytes.buffer);
  for (const field of U32_FIELDS) {
    const value = header[field];
    if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
      throw new SpecUsageError(`file_header.${field} must be a u32, got ${value}`);
    }
    view.setUint32(F[field].offset, value, true);
  }
  if (header.filelen < 0n || header.filelen > U64_MAX) {
    throw new SpecUsageError(`file_header.filelen must be a u64, got ${header.filelen}`);
  }
  view.setBigUint64(F.filelen.offset, header.filelen, true);
  return bytes;
}

/** Decode the header at `offset`; a typed `truncated` error when fewer than 32 bytes remain. */
export function decodeFileHeader(bytes: Uint8Array, offset = 0): Decoded<FileHeader> {
  const available = Math.max(0, bytes.length - offset);
  if (available < FILE_HEADER_SIZE) return truncated('file-header', offset, FILE_HEADER_SIZE, available);
  return { ok: true, value: readFileHeader(bytes.subarray(offset, offset + FILE_HEADER_SIZE)) };
}

/** Read a header from exactly 32 bytes (the tokenizer's complete field; no failure branch). */
export function readFileHeader(field: Uint8Array): FileHeader {
  const view = new DataView(field.buffer, field.byteOffset, FILE_HEADER_SIZE);
  return {
    namelen: view.getUint32(F.namelen.offset, true),
    mode: view.getUint32(F.mode.offset, true),
    filelen: view.getBigUint64(F.filelen.offset, true),
    atime: view.getUint32(F.atime.offset, true),
    atimeNsec: view.getUint32(F.atimeNsec.offset, true),
    mtime: view.getUint32(F.mtime.offset, true),
    mtimeNsec: view.getUint32(F.mtimeNsec.offset, true),
  };
}
