/**
 * The Jazzer.js fuzz target of `qfc fuzz --engine jazzer`, loaded in each worker: every
 * input is decoded into a campaign input (fuzz-input-codec.ts), run against the
 * implementation exactly as a pbt campaign runs it (in-process for the bundled pair, or
 * its programs in sandbox lanes) and judged by certify's judges.
 *
 * What guides libFuzzer is the coverage of what the campaign instruments (the worker is
 * started with `-i` for the spec, for the bundled pair the reference implementation, and
 * for a receiver module that module's directory): a new edge in predict() is a new
 * behaviour of the protocol, a new edge of a receiver in-process a new path of an unpacker. A broken property is a crash for libFuzzer
 * (unless the campaign keeps going, when it is only recorded); a run the harness could not
 * judge is an `error` verdict, never a crash.
 */
import { loadReceiverModule } from '../../adapters/receiver-module.js';
import { parseArguments } from '../../cli/arguments.js';
import { FUZZ_FLAGS, FUZZ_VALUES, setUpFuzz } from '../../cli/fuzz-setup.js';
import { failureSignature } from '../pbt/failure-signature.js';
import { runInput } from '../pbt/run-input.js';
import { decodeFuzzInput } from './fuzz-input-codec.js';
import { PropertyBroken } from './property-broken.js';
import { readWorkerConfig } from './worker-config.js';
import { WorkerTally } from './worker-tally.js';

const ORPHAN_CHECK_MS = 500;

const config = readWorkerConfig();
if (config === null) throw new Error('this target runs under qfc fuzz --engine jazzer (QFC_JAZZER_WORKER is not set)');
const receiverModule = config.receiverModule === null ? null : await loadReceiverModule(config.receiverModule);
const setup = setUpFuzz(parseArguments(config.fuzzArgs, FUZZ_FLAGS, FUZZ_VALUES), config.base, receiverModule);
const tally = config.only === null ? new WorkerTally(config.out, config.startedAt) : null;

// A worker must not outlive the campaign that started it (killed with SIGKILL, it runs no
// handler of its own): once this process is given to another parent, it stops. Its sandbox
// lanes die with it (bubblewrap's --die-with-parent).
const campaignPid = process.ppid;
setInterval(() => {
  if (process.ppid !== campaignPid) process.exit(0);
}, ORPHAN_CHECK_MS).unref();

/** The fuzz entry point: one input, run and judged. */
export async function fuzz(data: Buffer): Promise<void> {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length);
  const input = decodeFuzzInput(bytes, setup.shape, config!.mode);
  const run = await runInput(input, setup.runner);
  const signature = failureSignature(run);
  if (tally === null) {
    // Minimizing: only the failure being minimized counts, so libFuzzer cannot drift to another.
    if (signature === config!.only) throw new PropertyBroken(signature!);
    return;
  }
  tally.count(input, run, bytes);
  if (signature === null) return;
  tally.found(signature, run, bytes);
  if (!config!.keepGoing) throw new PropertyBroken(`${signature}: ${run.result.violations[0]?.detail ?? run.result.notes[0] ?? run.result.verdict}`);
}
