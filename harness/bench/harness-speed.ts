/**
 * How fast the harness runs programs, a section of `npm run bench`: each figure beside its
 * baseline measured here, in this process, on this machine, and their ratio.
 *
 *   baselines      a bare spawn of /bin/true; `bwrap … /bin/true`; the trivial C receiver
 *                  (native/trivial-receiver.c, compiled here) spawned bare with a case's stream
 *   per case       certify's valid-trees cases against the trivial receiver, one at a time,
 *                  through sandbox lanes and through the slow path (a bubblewrap per run, the
 *                  reference side as a program): wall time per case, the harness's overhead
 *                  (per case minus the bare spawn) and where it goes, phase by phase
 *   catalogue      the whole catalogue, two lanes: the trivial receiver, and the bundled pair
 *                  as programs (`qfc certify`), each through lanes and the slow path
 *   fuzz           a pbt campaign against the trivial receiver (two lanes, fixed seed and run
 *                  count), lanes against the slow path; and the in-process reference pair
 *
 * Figures only: nothing here passes or fails, and no test asserts on time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { referenceImplementation } from '../adapters/bundled-implementations.js';
import type { Implementation } from '../adapters/implementation.js';
import { receiverOnly } from '../adapters/receiver-only.js';
import { CATALOGUE, RECEIVER_CASES } from '../catalogue/index.js';
import { measurePhases, phaseTotals } from '../certify/case-phases.js';
import { certify } from '../certify/certify.js';
import { selectCases } from '../certify/select-cases.js';
import { PROPERTIES } from '../engines/pbt/properties.js';
import { runReceiverCampaign } from '../engines/pbt/receiver-campaign.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { bwrapAvailable, type Confinement } from '../sandbox/run-contained.js';
import { createSandbox } from '../sandbox/sandbox-root.js';

/** One measured figure, with the baseline it is read against. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: { readonly name: string; readonly value: number };
  /** value / baseline (or baseline / value for rates, so that above 1 always means slower). */
  readonly ratio?: number;
}

const SAMPLES = 40;

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** Spawn `command` (stdin `input`) and wait for it, `samples` times: the median wall time in ms. */
async function spawnTime(command: string, args: readonly string[], input: Uint8Array, samples = SAMPLES): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const status = await new Promise<number | null>((resolve) => {
      const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
      child.stdout.resume();
      child.stdin.on('error', () => {});
      child.stdin.end(input);
      child.on('close', resolve);
    });
    times.push(performance.now() - started);
    if (status !== 0) throw new Error(`${command} exited ${status}`);
  }
  return median(times);
}

/** Compile the trivial receiver into `dir`; its path. */
function buildTrivialReceiver(dir: string): string {
  const binary = join(dir, 'trivial-receiver');
  const built = spawnSync('cc', ['-O2', '-o', binary, join(PACKAGE_ROOT, 'harness', 'bench', 'native', 'trivial-receiver.c')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`cannot compile the trivial receiver: ${built.stderr || built.error?.message}`);
  return binary;
}

/** Certify `cases` and time it: wall ms, and the phase totals when measured. */
async function timeCertify(implementation: Implementation, cases: typeof CATALOGUE, jobs: number, confinement: Confinement, slowPath: boolean): Promise<{ ms: number; cases: number; phases: ReadonlyMap<string, number> }> {
  measurePhases(true);
  const started = performance.now();
  const run = await certify({ implementation, reference: referenceImplementation(), cases, jobs, confinement, owner: null, keepSandboxes: false, slowPath, maxTimeouts: 0 });
  const ms = performance.now() - started;
  const phases = phaseTotals();
  measurePhases(false);
  const errors = run.results.filter((result) => result.verdict === 'error');
  if (errors.length > 0) throw new Error(`the bench's certify run had ${errors.length} error verdicts (${errors[0]!.id}: ${errors[0]!.notes[0]})`);
  return { ms, cases: run.results.filter((result) => result.verdict !== 'skipped').length, phases };
}

/** A pbt campaign of `runs` inputs against `implementation` (null: the reference pair in-process): inputs per second. */
async function fuzzRate(implementation: Implementation | null, runs: number, jobs: number, slowPath: boolean): Promise<number> {
  const properties = new Set(PROPERTIES.map((property) => property.id).filter((id) => id !== 'baseline'));
  const { statistics } = await runReceiverCampaign({ implementation, properties, slowPath }, { seed: 1, runs, ms: null, jobs, keepGoing: true, shrinkMs: 1 });
  return statistics.runs / (statistics.ms / 1000);
}

const PHASES = ['sandbox', 'predict', 'snapshot-before', 'run', 'snapshot-after', 'judge'] as const;

/** Run the section; prints as it goes and returns every figure. */
export async function harnessSpeedSection(print: (line: string) => void, options: { readonly fuzzRuns: number; readonly bundledPair: boolean }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const show = (figure: Figure): void => {
    figures.push(figure);
    const baseline = figure.baseline === undefined ? '' : `  vs ${figure.baseline.name} ${figure.baseline.value.toFixed(1)}${figure.unit === 'ms' ? ' ms' : ''}: ratio ${figure.ratio!.toFixed(2)}`;
    print(`  ${figure.name.padEnd(52)} ${figure.value.toFixed(figure.unit === 'ms' ? 1 : 1).padStart(8)} ${figure.unit}${baseline}`);
  };
  const work = mkdtempSync(join(tmpdir(), 'qfc-bench-speed-'));
  chmodSync(work, 0o755);
  try {
    const trivial = buildTrivialReceiver(work);
    const confinement: Confinement = bwrapAvailable() ? 'bwrap' : 'none';
    const validTrees = selectCases(RECEIVER_CASES, { only: ['valid-trees/*'], profile: null, strict: false });
    const sampleSandbox = createSandbox(work, 'sample');
    const firstCase = validTrees[0];
    if (firstCase === undefined || firstCase.kind !== 'receiver') throw new Error('the catalogue has no valid-trees receiver case');
    const stream = firstCase.stream(sampleSandbox);

    print(`harness speed (${confinement === 'bwrap' ? 'bubblewrap' : 'UNCONFINED: no bwrap'}; medians of ${SAMPLES} where sampled)`);
    print('baselines');
    const bareTrue = await spawnTime('/bin/true', [], new Uint8Array(0));
    show({ name: 'spawn /bin/true', value: bareTrue, unit: 'ms' });
    if (confinement === 'bwrap') {
      const bwrapTrue = await spawnTime('bwrap', ['--ro-bind', '/', '/', '--unshare-pid', '--unshare-net', '--die-with-parent', '--', '/bin/true'], new Uint8Array(0));
      show({ name: 'spawn bwrap … /bin/true', value: bwrapTrue, unit: 'ms', baseline: { name: 'spawn /bin/true', value: bareTrue }, ratio: bwrapTrue / bareTrue });
    }
    const bareReceiver = await spawnTime(trivial, [], stream);
    show({ name: `spawn the trivial receiver (${firstCase.id})`, value: bareReceiver, unit: 'ms', baseline: { name: 'spawn /bin/true', value: bareTrue }, ratio: bareReceiver / bareTrue });

    const implementation = receiverOnly('trivial receiver', [trivial]);
    // A case's own cost is marginal: certify the cases once and three times over, and divide
    // the difference, so that what a run pays once (starting its lanes) is not spread on them.
    print(`per case: the ${validTrees.length} valid-trees cases against the trivial receiver, one lane, marginal cost of a case`);
    const thrice = [...validTrees, ...validTrees, ...validTrees];
    const paths: [string, Confinement, boolean][] = [['lanes', confinement, false], ['slow path', confinement, true], ['unconfined (--no-sandbox)', 'none', false]];
    for (const [label, how, slowPath] of paths) {
      if (how === 'bwrap' && confinement !== 'bwrap') continue;
      const once = await timeCertify(implementation, validTrees, 1, how, slowPath);
      const more = await timeCertify(implementation, thrice, 1, how, slowPath);
      const perCase = (more.ms - once.ms) / (more.cases - once.cases);
      show({ name: `per case, ${label}`, value: perCase, unit: 'ms', baseline: { name: 'bare spawn', value: bareReceiver }, ratio: perCase / bareReceiver });
      show({ name: `harness overhead per case, ${label}`, value: perCase - bareReceiver, unit: 'ms' });
      if (label === 'lanes') {
        const phaseOf = (phase: (typeof PHASES)[number]): number => ((more.phases.get(phase) ?? 0) - (once.phases.get(phase) ?? 0)) / (more.cases - once.cases);
        const breakdown = PHASES.map((phase) => `${phase} ${phaseOf(phase).toFixed(2)}`).join(', ');
        const accounted = PHASES.reduce((sum, phase) => sum + phaseOf(phase), 0);
        print(`    where a case's ${perCase.toFixed(1)} ms go (ms): ${breakdown}; other ${(perCase - accounted).toFixed(2)}`);
        // Kept in the JSON too, so that a history shows which phase moved.
        for (const phase of PHASES) figures.push({ name: `per case, lanes, phase ${phase}`, value: phaseOf(phase), unit: 'ms' });
      }
    }

    print('catalogue: every case, two lanes');
    const programs: [string, Implementation][] = [['trivial receiver', implementation], ...(options.bundledPair ? [['bundled pair as programs', referenceImplementation()] as [string, Implementation]] : [])];
    for (const [label, chosen] of programs) {
      const lanes = await timeCertify(chosen, CATALOGUE, 2, confinement, false);
      if (confinement !== 'bwrap') {
        show({ name: `certify, ${label}`, value: lanes.ms / 1000, unit: 's' });
        continue;
      }
      const slow = await timeCertify(chosen, CATALOGUE, 2, confinement, true);
      show({ name: `certify, ${label}, lanes`, value: lanes.ms / 1000, unit: 's', baseline: { name: 'slow path', value: slow.ms / 1000 }, ratio: lanes.ms / slow.ms });
    }

    print(`fuzz: pbt, seed 1, ${options.fuzzRuns} inputs, two lanes`);
    const lanesRate = await fuzzRate(implementation, options.fuzzRuns, 2, false);
    const slowRate = confinement === 'bwrap' ? await fuzzRate(implementation, Math.max(50, options.fuzzRuns >> 2), 2, true) : lanesRate;
    show({ name: 'fuzz the trivial receiver, lanes', value: lanesRate, unit: 'inputs/s', baseline: { name: 'slow path', value: slowRate }, ratio: slowRate / lanesRate });
    const inProcess = await fuzzRate(null, options.fuzzRuns * 4, 2, false);
    show({ name: 'fuzz the reference pair in-process', value: inProcess, unit: 'inputs/s', baseline: { name: 'trivial receiver in lanes', value: lanesRate }, ratio: lanesRate / inProcess });
    return figures;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
