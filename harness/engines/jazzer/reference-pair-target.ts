/**
 * A standalone Jazzer.js target for OSS-Fuzz and ClusterFuzzLite (fuzz/oss-fuzz/build.sh):
 * the bundled reference pair in-process, inputs in the structured layout, every run judged
 * by certify's judges, a broken property thrown as the crash. It needs no campaign around
 * it (unlike implementation-target.ts): it sets itself up as `qfc fuzz --engine jazzer`
 * does for the bundled pair, with its sandboxes in a directory of its own.
 */
import { parseArguments } from '../../cli/arguments.js';
import { FUZZ_FLAGS, FUZZ_VALUES, setUpFuzz } from '../../cli/fuzz-setup.js';
import { failureSignature } from '../pbt/failure-signature.js';
import { runInput } from '../pbt/run-input.js';
import { decodeFuzzInput } from './fuzz-input-codec.js';
import { PropertyBroken } from './property-broken.js';

const setup = setUpFuzz(parseArguments([], FUZZ_FLAGS, FUZZ_VALUES));

/** The fuzz entry point. */
export async function fuzz(data: Buffer): Promise<void> {
  const run = await runInput(decodeFuzzInput(new Uint8Array(data.buffer, data.byteOffset, data.length), setup.shape, 'structured'), setup.runner);
  const signature = failureSignature(run);
  if (signature !== null) throw new PropertyBroken(`${signature}: ${run.result.violations[0]?.detail ?? run.result.notes[0] ?? run.result.verdict}`);
}
