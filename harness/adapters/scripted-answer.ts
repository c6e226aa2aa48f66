/**
 * What the scripted receiver of a sender case answers (catalogue-case.ts, ScriptedAnswer):
 * how much of the stream it reads before answering, and the bytes of its answer. Shared by
 * the qfc-scripted-receiver program and its in-process twin, so that both answer alike.
 */
import { encodeResult } from '../../spec/codec/result-header.js';
import { RESULT_HEADER_SIZE } from '../../spec/constants.js';
import type { ScriptedAnswer } from '../catalogue/catalogue-case.js';

/** Bytes read before answering (null: up to the end marker or the end of input). */
export function scriptedReadLimit(answer: ScriptedAnswer): number | null {
  return typeof answer === 'object' ? answer.afterBytes : answer === 'success-before-end' ? 100 : null;
}

/** The answer, given the CRC-32 of what was read; null for silence. */
export function scriptedReply(answer: ScriptedAnswer, crc32: number): Uint8Array | null {
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
