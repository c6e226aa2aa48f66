/**
 * Tokenize a whole stream held in memory.
 */
import type { StreamEvent } from './events.js';
import { StreamTokenizer } from './stream-tokenizer.js';

/** All events of `stream`, ending with its terminal event. Never throws. */
export function tokenize(stream: Uint8Array): StreamEvent[] {
  const tokenizer = new StreamTokenizer();
  return [...tokenizer.push(stream), ...tokenizer.finish()];
}
