/**
 * The reference sender and a receiver (the reference's, or a receiver module) run
 * in-process against each other: the sender's
 * chunks go straight into the receiver (and are kept, as the captured stream); the
 * receiver's answer goes back to the sender when it is complete. Both are dressed as
 * ContainedResults so that the sender case's judge applies unchanged.
 */
import { performance } from 'node:perf_hooks';
import { copyBytes } from '../../../../spec/byte-string.js';
import { pack } from '../../../../implementations/reference/sender/pack.js';
import { unpack } from '../../../../implementations/reference/receiver/unpack.js';
import type { SenderPairExecutor } from '../../../certify/run-sender-case.js';
import type { UnpackFunction } from '../../../adapters/receiver-module.js';
import { notStarted } from './in-process-receiver.js';

/** The reference sender in-process against `receive` (the reference receiver, or a receiver module). */
export function inProcessPair(receive: UnpackFunction): SenderPairExecutor {
  return async ({ testCase, sandbox }) => {
    const started = performance.now();
    const transfer = pack(testCase.paths, { cwd: sandbox.source, ignoreSymlinks: testCase.ignoreSymlinks });
    const captured: Uint8Array[] = [];
    async function* relay(): AsyncGenerator<Uint8Array> {
      for await (const chunk of transfer.chunks()) {
        captured.push(copyBytes(chunk));
        yield chunk;
      }
    }
    let wire: Uint8Array;
    let receiverStatus: number;
    try {
      const result = await receive(relay(), sandbox.target, { allowUnsafeCharacters: false, allowUnsafeSymlinks: false, bytesLimit: 0n, filesLimit: 0n });
      wire = result.wire;
      receiverStatus = result.exitStatus;
    } catch (error) {
      const failed = notStarted((error as Error).message);
      return { senderRun: failed, receiverRun: failed, stream: Buffer.concat(captured) };
    }
    transfer.receive(wire);
    transfer.end();
    const outcome = await transfer.outcome;
    const ms = performance.now() - started;
    const common = { signal: null, timedOut: false, flooded: null, spawnError: null, ms } as const;
    return {
      senderRun: { ...common, status: outcome.exitStatus, stdout: Buffer.alloc(0), stderr: Buffer.from(outcome.message === null ? '' : `${outcome.message}\n`) },
      receiverRun: { ...common, status: receiverStatus, stdout: Buffer.from(wire), stderr: Buffer.alloc(0) },
      stream: Buffer.concat(captured),
    };
  };
}

/** Send the case's paths from the sandbox's source into its target, with the reference receiver. */
export const runReferencePairInProcess: SenderPairExecutor = inProcessPair(unpack);
