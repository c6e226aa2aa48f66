/**
 * A receiver run in-process on the sandbox's target — the reference receiver, or a
 * receiver module (receiver-module.ts): no spawn, no sandbox process, the same judge. Its answer is dressed as a ContainedResult (exit status from
 * the result code, the wire bytes as stdout) so certify's verdict logic applies unchanged.
 */
import { performance } from 'node:perf_hooks';
import { unpack } from '../../../../implementations/reference/receiver/unpack.js';
import type { ReceiverExecutor } from '../../../certify/run-receiver-case.js';
import type { ContainedResult } from '../../../sandbox/run-contained.js';
import type { UnpackFunction } from '../../../adapters/receiver-module.js';

async function* once(stream: Uint8Array): AsyncGenerator<Uint8Array> {
  yield stream;
}

/** A result for a receiver that could not be started (the target could not be opened). */
export function notStarted(why: string): ContainedResult {
  return { status: null, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: false, flooded: null, spawnError: why, ms: 0 };
}

/** A receiver executor that runs `receive` in this process on the sandbox's target. */
export function inProcessReceiver(receive: UnpackFunction): ReceiverExecutor {
  return async ({ stream, sandbox, options }) => {
    const started = performance.now();
    try {
      const result = await receive(once(stream), sandbox.target, {
        allowUnsafeCharacters: options.allowUnsafeCharacters ?? false,
        allowUnsafeSymlinks: options.allowUnsafeSymlinks ?? false,
        bytesLimit: BigInt(options.bytesLimit ?? 0),
        filesLimit: BigInt(options.filesLimit ?? 0),
      });
      const ms = performance.now() - started;
      return { status: result.exitStatus, signal: null, stdout: Buffer.from(result.wire), stderr: Buffer.from(result.stderr ?? ''), timedOut: false, flooded: null, spawnError: null, ms };
    } catch (error) {
      return notStarted((error as Error).message);
    }
  };
}

/** Receive the run's stream with the reference receiver, in this process. */
export const runReferenceReceiverInProcess: ReceiverExecutor = inProcessReceiver(unpack);
