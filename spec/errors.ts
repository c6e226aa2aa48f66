/**
 * Typed error values of the spec.
 *
 * Hostile bytes never make a spec function throw: decoders return a {@link Decoded}
 * whose failure branch names the field that was cut short and where. The fuzz
 * targets accept exactly these values; any thrown exception is a bug.
 * {@link SpecUsageError} is the one exception the spec throws, and only for a
 * programming mistake by the caller (encoding a value that does not fit its field).
 */

/** Fields a decoder can find cut short. */
export type DecodeField =
  | 'file-header'
  | 'result-header'
  | 'result-extension-length'
  | 'result-extension-name'
  | 'filename-field';

/** The input ended before a field was complete. */
export interface TruncatedField {
  readonly kind: 'truncated';
  readonly field: DecodeField;
  /** Offset of the field's first byte in the input. */
  readonly offset: number;
  /** Bytes the field needs. */
  readonly needed: number;
  /** Bytes the input still had. */
  readonly available: number;
}

/** Every error value a spec decoder returns. */
export type DecodeError = TruncatedField;

/** Outcome of a decoder: a value, or a typed error; never an exception. */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DecodeError };

/** True for the error values the spec defines (used by fuzz targets to tell them from bugs). */
export function isDecodeError(value: unknown): value is DecodeError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<TruncatedField>;
  return (
    candidate.kind === 'truncated' &&
    typeof candidate.field === 'string' &&
    Number.isSafeInteger(candidate.offset) &&
    Number.isSafeInteger(candidate.needed) &&
    Number.isSafeInteger(candidate.available) &&
    candidate.available! < candidate.needed!
  );
}

/** Thrown only when the caller passes a value that cannot be encoded (a bug in the caller). */
export class SpecUsageError extends Error {
  override readonly name = 'SpecUsageError';
}

/** Construct the failure branch for a field cut short. */
export function truncated<T>(field: DecodeField, offset: number, needed: number, available: number): Decoded<T> {
  return { ok: false, error: { kind: 'truncated', field, offset, needed, available } };
}
