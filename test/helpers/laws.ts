/**
 * Reusable laws for property tests.
 */
import { expect } from 'vitest';

/** `decode(encode(value))` gives the value back. */
export function assertRoundTrip<T, E>(value: T, encode: (value: T) => E, decode: (encoded: E) => T): void {
  expect(decode(encode(value))).toEqual(value);
}
