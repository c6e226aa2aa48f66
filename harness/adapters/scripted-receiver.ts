#!/usr/bin/env node
/**
 * qfc-scripted-receiver ANSWER-JSON: a receiver that answers a sender the way a sender
 * case scripts it (garbage, a cut result, a wrong CRC, silence, an early error…), to check
 * that the sender survives bad answers. It reads the stream with the spec's tokenizer so
 * that it answers at the end marker even from a sender that keeps its output open.
 */
import { readSync, writeSync } from 'node:fs';
import { Crc32Accumulator } from '../../spec/crc.js';
import { StreamTokenizer } from '../../spec/tokenizer/stream-tokenizer.js';
import type { ScriptedAnswer } from '../catalogue/catalogue-case.js';
import { scriptedReadLimit, scriptedReply } from './scripted-answer.js';

const answer = JSON.parse(process.argv[2] ?? '"silence"') as ScriptedAnswer;
const crc = new Crc32Accumulator();
const tokenizer = new StreamTokenizer();
const buffer = Buffer.alloc(1 << 16);
const early = scriptedReadLimit(answer);

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
const reply = scriptedReply(answer, crc.value);
if (reply !== null) out(reply);
process.exit(0);
