/**
 * The reference sender run in-process against a receiver program (ref→ext round trips): the
 * stream it writes is a pure function of the source tree, so starting qfile-agent as a node
 * program for every run (≈ 200 ms) buys nothing. The receiver under test still runs as a
 * program, contained as always; the sender keeps its side open until the receiver answered,
 * as qfile-agent does, and both are dressed as ContainedResults for the sender case's judge.
 */
import { performance } from 'node:perf_hooks';
import { pack } from '../../implementations/reference/sender/pack.js';
import { copyBytes } from '../../spec/byte-string.js';
import { startContained } from '../sandbox/run-contained.js';
import type { SenderPairExecutor } from './run-sender-case.js';
import { pairReceiverRun } from './pair-program-runs.js';

export const runReferenceSenderInProcess: SenderPairExecutor = async ({ testCase, receiverArgv, sandbox, settings, lane }) => {
  const started = performance.now();
  const transfer = pack(testCase.paths, { cwd: sandbox.source, ignoreSymlinks: testCase.ignoreSymlinks });
  const receiver = startContained(pairReceiverRun(receiverArgv, sandbox, settings, lane));
  const answered = new Promise<void>((resolve) => receiver.onStdoutEnd(resolve));
  receiver.onStdout((chunk) => transfer.receive(chunk));
  receiver.onStdoutEnd(() => transfer.end());
  const captured: Uint8Array[] = [];
  for await (const chunk of transfer.chunks()) {
    captured.push(copyBytes(chunk));
    await receiver.write(chunk);
  }
  // qfile-agent closes its output only once the receiver has answered (or gone).
  await Promise.race([answered, receiver.done]);
  receiver.end();
  const receiverRun = await receiver.done;
  transfer.end();
  const outcome = await transfer.outcome;
  const ms = performance.now() - started;
  return {
    senderRun: { status: outcome.exitStatus, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.from(outcome.message === null ? '' : `${outcome.message}\n`), timedOut: false, flooded: null, spawnError: null, ms },
    receiverRun,
    stream: Buffer.concat(captured),
  };
};
