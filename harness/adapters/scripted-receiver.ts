#!/usr/bin/env node
/**
 * qfc-scripted-receiver ANSWER-JSON: a receiver that answers a sender the way a sender
 * case scripts it (garbage, a cut result, a wrong CRC, silence, an early error…), to check
 * that the sender survives bad answers. It reads the stream with the spec's tokenizer so
 * that it answers at the end marker even from a sender that keeps its output open.
 */
import { readSync, writeSync } from 'node:fs';
import { encodeResult } from '../../spec/codec/result-header.js';
import { RESULT_HEADER_SIZE } from '../../spec/constants.js';
import { Crc32Accumulator } from '../../spec/crc.js';
import { StreamTokenizer } from '../../spec/tokenizer/stream-tokenizer.js';
import type { ScriptedAnswer } from '../catalogue/catalogue-case.js';

const answer = JSON.parse(process.argv[2] ?? '"silence"') as ScriptedAnswer;
const crc = new Crc32Accumulator();
const tokenizer = new StreamTokenizer();
const buffer = Buffer.alloc(1 << 16);
const early = typeof answer === 'object' ? answer.afterBytes : answer === 'success-before-end' ? 100 : null;

const out = (bytes: Uint8Array): void => {
  try {
    writeSync(1, bytes);
  } catch {
    // the sender is gone
  }
};

/** Read until the end marker, the end of input, or `limit` bytes. */
function read(limit: number | null): void {
  let total = 0;
  for (;;) {
    if (limit !== null && total >= limit) return;
    const want = limit === null ? buffer.length : Math.min(buffer.length, limit - total);
    let n: number;
    try {
      n = readSync(0, buffer, 0, want, null);
    } catch {
      return;
    }
    if (n === 0) return;
    total += n;
    const chunk = buffer.subarray(0, n);
    crc.update(chunk);
    if (tokenizer.push(chunk).some((event) => event.kind === 'end-marker')) return;
  }
}

read(early);
if (typeof answer === 'object') {
  out(encodeResult({ errorCode: answer.errorCode, crc32: crc.value, lastName: Buffer.from(answer.lastNameHex, 'hex') }));
} else {
  const ok = encodeResult({ errorCode: 0, crc32: crc.value, lastName: null });
  switch (answer) {
    case 'garbage':
      out(Buffer.from('this is not a result header at all'));
      break;
    case 'short-result':
      out(ok.subarray(0, 10));
      break;
    case 'lying-extension':
      out(Buffer.concat([ok, Buffer.from([0xff, 0xff, 0xff, 0x7f, 0x61])]));
      break;
    case 'wrong-crc':
      out(encodeResult({ errorCode: 0, crc32: (crc.value ^ 1) >>> 0, lastName: null }));
      break;
    case 'crc-high-bits': {
      const high = Buffer.from(ok);
      high[RESULT_HEADER_SIZE - 1] = 0x80;
      out(high);
      break;
    }
    case 'success-before-end':
      out(ok);
      break;
    case 'silence':
      break;
  }
}
process.exit(0);
