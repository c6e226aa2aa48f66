/**
 * A sender under test against a receiving side qfc runs itself, in-process: the bundled
 * reference receiver (when the implementation has no receiver of its own) or a sender case's
 * scripted receiver. Starting either as a node program costs ≈ 150 ms a case and buys nothing:
 * the reference receiver is the code certify checks on every run, and the scripted answers
 * are a pure function of what was read (scripted-answer.ts). The sender still runs as a
 * program, contained as always, with qfc in the middle of the pipe; both sides are dressed as
 * ContainedResults for the sender case's judge.
 *
 * The reference receiver writes as qfc's own user, so this is used only when the programs run
 * as that user too (no `--uid`): what it leaves is judged for the receiving user.
 */
import { performance } from 'node:perf_hooks';
import { unpack } from '../../implementations/reference/receiver/unpack.js';
import { ScriptedReading } from '../adapters/scripted-answer.js';
import type { ScriptedAnswer } from '../catalogue/catalogue-case.js';
import { startContained, type ContainedResult } from '../sandbox/run-contained.js';
import { ChunkQueue } from './chunk-queue.js';
import type { SenderPairExecutor } from './run-sender-case.js';
import { senderProgramRun } from './pair-program-runs.js';

/** The reference receiver's answer to what `chunks` brings, into `target`. */
async function referenceReceiver(chunks: AsyncIterable<Uint8Array>, target: string): Promise<{ reply: Uint8Array; run: ContainedResult }> {
  const started = performance.now();
  const common = { signal: null, timedOut: false, flooded: null } as const;
  try {
    const result = await unpack(chunks, target);
    const reply = Buffer.from(result.wire);
    return { reply, run: { ...common, status: result.exitStatus, stdout: reply, stderr: Buffer.alloc(0), spawnError: null, ms: performance.now() - started } };
  } catch (error) {
    // The target could not be opened: a harness-side problem, as a program that cannot start.
    return { reply: new Uint8Array(0), run: { ...common, status: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), spawnError: (error as Error).message, ms: performance.now() - started } };
  }
}

/** The scripted receiver's answer: what qfc-scripted-receiver would write, read as it reads. */
async function scriptedReceiver(chunks: AsyncIterable<Uint8Array>, answer: ScriptedAnswer): Promise<{ reply: Uint8Array; run: ContainedResult }> {
  const started = performance.now();
  const reading = new ScriptedReading(answer);
  for await (const chunk of chunks) if (reading.take(chunk)) break;
  const reply = reading.reply() ?? new Uint8Array(0);
  return { reply, run: { status: 0, signal: null, stdout: Buffer.from(reply), stderr: Buffer.alloc(0), timedOut: false, flooded: null, spawnError: null, ms: performance.now() - started } };
}

export const runReceiverSideInProcess: SenderPairExecutor = async ({ testCase, sender, sandbox, settings }) => {
  const senderProcess = startContained(senderProgramRun(testCase, sender, sandbox, settings));
  const captured: Buffer[] = [];
  const queue = new ChunkQueue();
  senderProcess.onStdout((chunk) => {
    captured.push(chunk);
    queue.push(chunk);
  });
  // The sender's output ending is the receiving side's end of input, as through qrexec.
  senderProcess.onStdoutEnd(() => queue.end());
  const { reply, run: receiverRun } = testCase.answer === 'receiver' ? await referenceReceiver(queue, sandbox.target) : await scriptedReceiver(queue, testCase.answer);
  // Whatever the sender still writes is captured, no longer read: the receiver has answered.
  queue.close();
  if (reply.length > 0) await senderProcess.write(reply);
  // The receiving side has exited: its output ends, which is the sender's end of input.
  senderProcess.end();
  const senderRun = await senderProcess.done;
  return { senderRun, receiverRun, stream: Buffer.concat(captured) };
};
