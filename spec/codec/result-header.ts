/**
 * `result_header` and `result_header_ext` codec (PROTOCOL §1).
 *
 * The decoder reads what a possibly lying receiver wrote: it keeps the pad and the
 * upper half of the CRC field as they are, so the judge can tell a conforming result
 * (both zero) from a malformed one, and it never trusts `last_namelen` to allocate.
 */
import {
  RESULT_EXTENSION_LENGTH_SIZE,
  RESULT_HEADER_LAYOUT as R,
  RESULT_HEADER_SIZE,
  U32_MAX,
} from '../constants.js';
import { SpecUsageError, truncated, type Decoded } from '../errors.js';

/** What a receiver reports at the end or at its first error. */
export interface ResultMessage {
  /** 0 for success, else an errno value or LEGAL_EOF; a u32 on the wire. */
  readonly errorCode: number;
  /** The CRC-32 of the bytes consumed (the low half of the 64-bit field). */
  readonly crc32: number;
  /** The last processed name without NUL; null when no extension is sent. */
  readonly lastName: Uint8Array | null;
}

/** A decoded result, with the raw fields a conforming receiver leaves zero. */
export interface DecodedResult extends ResultMessage {
  /** The `_pad` field; 0 from a conforming receiver. */
  readonly pad: number;
  /** Upper 32 bits of the CRC field; 0 from a conforming receiver (the CRC is zero-extended). */
  readonly crcHigh: number;
  /** Bytes after the result (and its extension); none from a conforming receiver. */
  readonly trailing: Uint8Array;
}

/** Wire bytes of a result; the extension is written when `lastName` is not null. */
export function encodeResult(result: ResultMessage): Uint8Array {
  const { errorCode, crc32, lastName } = result;
  for (const [field, value] of [['errorCode', errorCode], ['crc32', crc32]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
      throw new SpecUsageError(`result_header.${field} must be a u32, got ${value}`);
    }
  }
  const extension = lastName === null ? 0 : RESULT_EXTENSION_LENGTH_SIZE + lastName.length;
  const bytes = new Uint8Array(RESULT_HEADER_SIZE + extension);
  const view = new DataView(bytes.buffer);
  view.setUint32(R.errorCode.offset, errorCode, true);
  view.setUint32(R.pad.offset, 0, true);
  view.setBigUint64(R.crc32.offset, BigInt(crc32), true);
  if (lastName !== null) {
    view.setUint32(RESULT_HEADER_SIZE, lastName.length, true);
    bytes.set(lastName, RESULT_HEADER_SIZE + RESULT_EXTENSION_LENGTH_SIZE);
  }
  return bytes;
}

/**
 * Decode everything a receiver wrote on stdout. Exactly 16 bytes is a result without
 * extension; anything longer must carry a complete extension, and whatever follows it
 * is returned as `trailing`.
 */
export function decodeResult(bytes: Uint8Array): Decoded<DecodedResult> {
  if (bytes.length < RESULT_HEADER_SIZE) return truncated('result-header', 0, RESULT_HEADER_SIZE, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const crcField = view.getBigUint64(R.crc32.offset, true);
  const header = {
    errorCode: view.getUint32(R.errorCode.offset, true),
    pad: view.getUint32(R.pad.offset, true),
    crc32: Number(crcField & 0xffff_ffffn),
    crcHigh: Number(crcField >> 32n),
  };
  if (bytes.length === RESULT_HEADER_SIZE) {
    return { ok: true, value: { ...header, lastName: null, trailing: new Uint8Array(0) } };
  }
  const afterHeader = bytes.length - RESULT_HEADER_SIZE;
  if (afterHeader < RESULT_EXTENSION_LENGTH_SIZE) {
    return truncated('result-extension-length', RESULT_HEADER_SIZE, RESULT_EXTENSION_LENGTH_SIZE, afterHeader);
  }
  const nameLength = view.getUint32(RESULT_HEADER_SIZE, true);
  const nameOffset = RESULT_HEADER_SIZE + RESULT_EXTENSION_LENGTH_SIZE;
  const availableName = bytes.length - nameOffset;
  if (availableName < nameLength) {
    return truncated('result-extension-name', nameOffset, nameLength, availableName);
  }
  return {
    ok: true,
    value: {
      ...header,
      // plain copies, also when the input is a Node Buffer
      lastName: new Uint8Array(bytes.subarray(nameOffset, nameOffset + nameLength)),
      trailing: new Uint8Array(bytes.subarray(nameOffset + nameLength)),
    },
  };
}
