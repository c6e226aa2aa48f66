/**
 * What the scripted receiver of a sender case reads and answers (catalogue-case.ts,
 * ScriptedAnswer): up to the end marker, the end of input or the script's byte count, then
 * its answer for what it read. Shared by the qfc-scripted-receiver program and its
 * in-process twin, so that both read and answer alike.
 */
import { encodeResult } from '../../spec/codec/result-header.js';
import { RESULT_HEADER_SIZE } from '../../spec/constants.js';
import { Crc32Accumulator } from '../../spec/crc.js';
import { StreamTokenizer } from '../../spec/tokenizer/stream-tokenizer.js';
import type { ScriptedAnswer } from '../catalogue/catalogue-case.js';

/** One scripted receiver's reading of a stream, chunk by chunk, and its answer. */
export class ScriptedReading {
  readonly #answer: ScriptedAnswer;
  /** Bytes read before answering (null: up to the end marker or the end of input). */
  readonly #limit: number | null;
  readonly #crc = new Crc32Accumulator();
  readonly #tokenizer = new StreamTokenizer();
  #total = 0;
  #done = false;

  constructor(answer: ScriptedAnswer) {
    this.#answer = answer;
    this.#limit = typeof answer === 'object' ? answer.afterBytes : answer === 'success-before-end' ? 100 : null;
  }

  /** How many more bytes it reads, at most `max`: 0 once it has read what it reads. */
  room(max: number): number {
    if (this.#done) return 0;
    return this.#limit === null ? max : Math.min(max, this.#limit - this.#total);
  }

  /** Take the next chunk (cut at the script's count); true once it has read what it reads. */
  take(chunk: Uint8Array): boolean {
    const taken = chunk.subarray(0, this.room(chunk.length));
    this.#total += taken.length;
    this.#crc.update(taken);
    if (this.#tokenizer.push(taken).some((event) => event.kind === 'end-marker') || this.room(1) === 0) this.#done = true;
    return this.#done;
  }

  /** The answer for what was read; null for silence. */
  reply(): Uint8Array | null {
    return scriptedReply(this.#answer, this.#crc.value);
  }
}

/** The answer, given the CRC-32 of what was read; null for silence. */
function scriptedReply(answer: ScriptedAnswer, crc32: number): Uint8Array | null {
  if (typeof answer === 'object') return encodeResult({ errorCode: answer.errorCode, crc32, lastName: Buffer.from(answer.lastNameHex, 'hex') });
  const ok = encodeResult({ errorCode: 0, crc32, lastName: null });
  switch (answer) {
    case 'garbage':
      return Buffer.from('this is not a result header at all');
    case 'short-result':
      return ok.subarray(0, 10);
    case 'lying-extension':
      return Buffer.concat([ok, Buffer.from([0xff, 0xff, 0xff, 0x7f, 0x61])]);
    case 'wrong-crc':
      return encodeResult({ errorCode: 0, crc32: (crc32 ^ 1) >>> 0, lastName: null });
    case 'crc-high-bits': {
      const high = Buffer.from(ok);
      high[RESULT_HEADER_SIZE - 1] = 0x80;
      return high;
    }
    case 'success-before-end':
      return ok;
    case 'silence':
      return null;
  }
}
