#!/usr/bin/env node
/**
 * qfc-scripted-receiver ANSWER-JSON: a receiver that answers a sender the way a sender
 * case scripts it (garbage, a cut result, a wrong CRC, silence, an early error…), to check
 * that the sender survives bad answers. It reads the stream with the spec's tokenizer so
 * that it answers at the end marker even from a sender that keeps its output open.
 */
import { readSync, writeSync } from 'node:fs';
import type { ScriptedAnswer } from '../catalogue/catalogue-case.js';
import { ScriptedReading } from './scripted-answer.js';

const answer = JSON.parse(process.argv[2] ?? '"silence"') as ScriptedAnswer;
const reading = new ScriptedReading(answer);
const buffer = Buffer.alloc(1 << 16);

const out = (bytes: Uint8Array): void => {
  try {
    writeSync(1, bytes);
  } catch {
    // the sender is gone
  }
};

// Read until the end marker, the end of input, or the script's byte count.
for (let room = reading.room(buffer.length); room > 0; room = reading.room(buffer.length)) {
  let n: number;
  try {
    n = readSync(0, buffer, 0, room, null);
  } catch {
    break;
  }
  if (n === 0 || reading.take(buffer.subarray(0, n))) break;
}
const reply = reading.reply();
if (reply !== null) out(reply);
process.exit(0);
