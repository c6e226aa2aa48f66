/**
 * Certify's receiver cases (the catalogue and the corpus) judged against the reference
 * receiver run in this process, with each of its backends (the native addon with O_TMPFILE,
 * the native addon staging files as where O_TMPFILE is missing, the pure-Node fallback): the
 * same judge as `qfc certify`, without the bundled program in between. The stream comes in
 * chunks of several sizes, as a pipe gives it, and a run must leave no descriptor open (a
 * receiver module runs inside qfc's own workers). This is what `npm run mutation` (StrykerJS) runs
 * against every mutant of implementations/reference/receiver/: a mutant survives only when no
 * case here, nor a property of properties.test.ts, tells it from the reference. One test per
 * case and backend, so that Stryker reruns only the cases that reach a mutant.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_LIMIT_MIB, DEFAULT_TIME_LIMIT_MS, UPSTREAM_PROFILE_ARGS, type Implementation } from '../../../harness/adapters/implementation.js';
import { RECEIVER_CASES, type ReceiverCase } from '../../../harness/catalogue/index.js';
import { runReceiverStream } from '../../../harness/certify/run-receiver-case.js';
import type { RunSettings } from '../../../harness/certify/run-settings.js';
import { readCorpus } from '../../../harness/corpus/read-corpus.js';
import { inProcessReceiver } from '../../../harness/engines/pbt/execution/in-process-receiver.js';
import { PACKAGE_ROOT } from '../../../harness/package-root.js';
import { loadNativeFs } from '../../../implementations/reference/native/addon.js';
import { unpack } from '../../../implementations/reference/receiver/unpack.js';
import type { UnpackFunction } from '../../../harness/adapters/receiver-module.js';

const base = mkdtempSync(join(tmpdir(), 'qfc-in-process-certify-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const { cases: corpusCases, problems } = readCorpus([join(PACKAGE_ROOT, 'corpus')], PACKAGE_ROOT);
const CASES: readonly ReceiverCase[] = [...RECEIVER_CASES, ...corpusCases];

/** One way the reference receiver can run: its backend, and for the addon whether it may use O_TMPFILE. */
interface Variant {
  readonly label: string;
  readonly backend: 'native' | 'fallback';
  readonly tmpfile: boolean;
}

const VARIANTS: readonly Variant[] = [
  ...(loadNativeFs().ok ? [{ label: 'native addon', backend: 'native', tmpfile: true } as const, { label: 'native addon without O_TMPFILE', backend: 'native', tmpfile: false } as const] : []),
  { label: 'pure-Node fallback', backend: 'fallback', tmpfile: true },
];

/** The reference receiver as certify describes it, but never started as a program: the argv is only a label. */
function inProcessReference(variant: Variant): Implementation {
  return {
    name: `qfc reference in-process (${variant.label})`,
    receiver: { argv: ['in-process'], profiles: UPSTREAM_PROFILE_ARGS, timeResolution: variant.backend === 'native' ? 'ns' : 'us' },
    sender: null,
    openInVm: null,
    timeLimitMs: DEFAULT_TIME_LIMIT_MS,
    memoryLimitMiB: DEFAULT_MEMORY_LIMIT_MIB,
    bindRo: [],
  };
}

/** Chunk sizes a pipe may give, cycled through: the stream's parts get cut at every offset. */
const CHUNK_SIZES = [1, 7, 64, 4096, 3, 65_536];

async function* inChunks(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let turn = 0;
  for await (const whole of input) {
    for (let at = 0; at < whole.length; turn += 1) {
      const size = CHUNK_SIZES[turn % CHUNK_SIZES.length]!;
      yield whole.subarray(at, at + size);
      at += size;
    }
  }
}

const openDescriptors = (): number => readdirSync('/proc/self/fd').length;

/**
 * The variant's unpack, checked on every run: it used the backend it names, and it closed
 * every descriptor it opened. A broken check is thrown, which certify reports as an error.
 */
function checkedUnpack(variant: Variant): UnpackFunction {
  return async (input, target, options) => {
    const before = openDescriptors();
    const result = await unpack(inChunks(input), target, { ...options, backend: variant.backend, nativeTmpfile: variant.tmpfile });
    const leaked = openDescriptors() - before;
    if (result.backend !== variant.backend) throw new Error(`the run used the ${result.backend} backend, not the ${variant.backend} one`);
    if (leaked !== 0) throw new Error(`the run left ${leaked} descriptor(s) open`);
    return result;
  };
}

describe('the corpus reads', () => {
  it('without a problem, and has receiver cases', () => {
    expect(problems).toEqual([]);
    expect(CASES.length).toBeGreaterThan(RECEIVER_CASES.length);
  });
});

for (const variant of VARIANTS) {
  describe(`every receiver case passes on the reference receiver in-process, ${variant.label}`, () => {
    const implementation = inProcessReference(variant);
    const settings: RunSettings = { implementation, reference: implementation, confinement: 'none', base, owner: null, keepSandboxes: false, visiblePaths: [] };
    const execute = inProcessReceiver(checkedUnpack(variant));
    it.each(CASES.map((testCase) => [`${testCase.category}/${testCase.id}`, testCase] as const))('%s', async (_, testCase) => {
      const { result } = await runReceiverStream(testCase, settings, execute);
      expect({ verdict: result.verdict, violations: result.violations, notes: result.notes }).toMatchObject({ verdict: 'pass', violations: [] });
    });
  });
}
