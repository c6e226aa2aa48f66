/**
 * A receiver given as a JavaScript module (manifest `receiver.module`, INTERPRETING.md §1):
 * an ES module exporting `unpack(chunks, targetDir, options)` that receives the stream's
 * chunks into `targetDir` and resolves to `{ exitStatus, wire }` — the exit status its
 * program would have and the bytes it would write on stdout. The Jazzer.js engine runs such
 * a receiver in its own process, so that libFuzzer is guided by the receiver's own
 * coverage. It runs unconfined there: only a module one trusts as one's own code belongs
 * in a manifest's `module`.
 *
 * What the module returns is checked like any program output: a missing export is a
 * usage error; a throw or a result of the wrong shape is the receiver's failure, answered
 * as its program would have died of it (exit status 1, no result).
 */
import { pathToFileURL } from 'node:url';

/** The options a receiver module is called with (the reference receiver's own). */
export interface ModuleReceiverOptions {
  readonly allowUnsafeCharacters: boolean;
  readonly allowUnsafeSymlinks: boolean;
  /** 0 when no limit is set. */
  readonly bytesLimit: bigint;
  readonly filesLimit: bigint;
}

/** What a receive gives back: the exit status and the result bytes (and, from qfc's check, what went wrong). */
export interface ModuleReceiverResult {
  readonly exitStatus: number;
  readonly wire: Uint8Array;
  /** Set by the check when the module threw or answered with something else: what its program's stderr would say. */
  readonly stderr?: string;
}

/** The `unpack` of a receiver module. */
export type UnpackFunction = (chunks: AsyncIterable<Uint8Array>, targetDir: string, options: ModuleReceiverOptions) => Promise<ModuleReceiverResult>;

/** The module cannot be used: the message is one line for the user. */
export class ReceiverModuleError extends Error {
  override readonly name = 'ReceiverModuleError';
}

/** What a program that died of an uncaught exception gives: exit status 1, no result, the reason on stderr. */
const crashed = (why: string): ModuleReceiverResult => ({ exitStatus: 1, wire: new Uint8Array(0), stderr: `${why}\n` });

function checked(unpack: (...args: unknown[]) => unknown): UnpackFunction {
  return async (chunks, targetDir, options) => {
    let result: unknown;
    try {
      result = await unpack(chunks, targetDir, options);
    } catch (error) {
      return crashed(`unpack threw: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (typeof result !== 'object' || result === null) return crashed(`unpack resolved to ${String(result)}, not { exitStatus, wire }`);
    const { exitStatus, wire } = result as { exitStatus?: unknown; wire?: unknown };
    if (typeof exitStatus !== 'number' || !Number.isInteger(exitStatus) || exitStatus < 0 || exitStatus > 255) return crashed(`unpack's exitStatus is ${String(exitStatus)}, not an integer from 0 to 255`);
    if (!(wire instanceof Uint8Array)) return crashed("unpack's wire is not a Uint8Array");
    return { exitStatus, wire };
  };
}

/** Load the module at `path` (absolute) and its checked `unpack`. */
export async function loadReceiverModule(path: string): Promise<UnpackFunction> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ReceiverModuleError(`cannot load the receiver module ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof loaded.unpack !== 'function') throw new ReceiverModuleError(`the receiver module ${path} exports no unpack function`);
  return checked(loaded.unpack as (...args: unknown[]) => unknown);
}
