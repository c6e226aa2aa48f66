/**
 * Bytes behind a snapshot's path key.
 */
import { utf8 } from '../byte-string.js';
import { decodePathKey } from '../path-key.js';

/** The bytes a path key stands for; a malformed escape is read as the literal text. */
export function keyBytes(key: string): Uint8Array {
  return decodePathKey(key) ?? utf8(key);
}
