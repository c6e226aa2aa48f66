/**
 * Run a set of catalogue cases against an implementation, `jobs` at a time, each in its own
 * sandbox, and collect the verdicts.
 *
 * Whatever the programs do, certify returns a result for every case: a harness failure is
 * that case's `error`, a cleanup failure a note; K time-outs in a row stop the rest of the run
 * (a hung implementation costs K time limits, not hundreds); an interruption stops the programs
 * at once and marks what did not finish, so that the report of what ran can still be written.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Implementation } from '../adapters/implementation.js';
import type { CatalogueCase } from '../catalogue/catalogue-case.js';
import { stopAllContained, type Confinement } from '../sandbox/run-contained.js';
import { removeTree } from '../sandbox/sandbox-root.js';
import type { CaseResult, Verdict } from '../verdicts/case-result.js';
import type { Oracle } from '../verdicts/judge-receiver.js';
import { runEditorCase } from './run-editor-case.js';
import { runReceiverCase } from './run-receiver-case.js';
import { runSenderCase } from './run-sender-case.js';
import { openLanes, visiblePaths, type CoverageCollection, type RunSettings } from './run-settings.js';

/** Asked from outside (a signal handler) to stop the run. */
export interface Interruption {
  signal: NodeJS.Signals | null;
}

export interface CertifyOptions {
  readonly implementation: Implementation;
  readonly reference: Implementation;
  readonly cases: readonly CatalogueCase[];
  readonly jobs: number;
  readonly confinement: Confinement;
  readonly owner: RunSettings['owner'];
  readonly keepSandboxes: boolean;
  /**
   * The path qfc took before lanes (`--slow-path`): a bubblewrap per program run, and the
   * bundled reference side run as a program too. Slower; the verdicts must be the same.
   */
  readonly slowPath?: boolean;
  /** The prediction runs are judged against (default the spec). */
  readonly oracle?: Oracle;
  /** Stop after this many time-outs in a row (0: never); the rest of the cases are `error`. */
  readonly maxTimeouts?: number;
  /** Set `signal` to stop the run; certify then stops every program it started. */
  readonly interruption?: Interruption;
  /** Called after each case, in completion order. */
  readonly onResult?: (result: CaseResult, done: number, total: number) => void;
  /** `--coverage`: where the programs write coverage data and how they are told. */
  readonly coverage?: CoverageCollection | null;
}

export interface CertifyRun {
  /** Results in catalogue order. */
  readonly results: readonly CaseResult[];
  readonly startedAt: string;
  readonly ms: number;
  /** Where the sandboxes were (removed unless kept). */
  readonly sandboxBase: string;
  /** Why the run stopped before its end, if it did. */
  readonly stoppedEarly: string | null;
  /** Sandboxes or directories qfc could not remove. */
  readonly cleanupProblems: readonly string[];
}

export const DEFAULT_MAX_TIMEOUTS = 5;

function runCase(testCase: CatalogueCase, settings: RunSettings): Promise<CaseResult> {
  if (testCase.kind === 'receiver') return runReceiverCase(testCase, settings);
  if (testCase.kind === 'sender') return runSenderCase(testCase, settings);
  return runEditorCase(testCase, settings);
}

/** A case that has no run of its own to show. */
function unrun(testCase: CatalogueCase, verdict: Verdict, note: string): CaseResult {
  return {
    id: testCase.id, kind: testCase.kind, category: testCase.category, title: testCase.title, clauses: testCase.clauses,
    profile: testCase.kind === 'receiver' ? testCase.profile : 'default', verdict, expected: {}, observed: {}, violations: [], notes: [note], ms: 0,
  };
}

/** Run every case; a harness failure in one case becomes that case's `error` verdict. */
export async function certify(options: CertifyOptions): Promise<CertifyRun> {
  const started = Date.now();
  const base = mkdtempSync(join(tmpdir(), 'qfc-certify-'));
  chmodSync(base, 0o755); // a program run with --uid must reach its sandbox through it
  let settings: RunSettings = {
    implementation: options.implementation,
    reference: options.reference,
    confinement: options.confinement,
    base,
    owner: options.owner,
    keepSandboxes: options.keepSandboxes,
    visiblePaths: visiblePaths([options.implementation, options.reference]),
    oracle: options.oracle ?? 'spec',
    coverage: options.coverage ?? null,
  };
  const lanes = openLanes(settings, options.slowPath ?? false);
  settings = { ...settings, lanes, referenceInProcess: !(options.slowPath ?? false) };
  const maxTimeouts = options.maxTimeouts ?? DEFAULT_MAX_TIMEOUTS;
  const interruption = options.interruption ?? { signal: null };
  const results: (CaseResult | undefined)[] = new Array(options.cases.length);
  let next = 0;
  let done = 0;
  let timeoutsInARow = 0;
  let abortedBy: string | null = null;
  const stopReason = (): string | null => (interruption.signal !== null ? `qfc was interrupted (${interruption.signal})` : abortedBy);
  const worker = async (): Promise<void> => {
    while (next < options.cases.length && stopReason() === null) {
      const index = next++;
      const testCase = options.cases[index]!;
      let result: CaseResult;
      try {
        result = await runCase(testCase, settings);
      } catch (error) {
        result = unrun(testCase, 'error', `the harness failed: ${(error as Error).message}`);
      }
      if (interruption.signal !== null && result.verdict !== 'skipped') {
        result = unrun(testCase, 'error', `stopped: qfc was interrupted (${interruption.signal}) while this case ran`);
      }
      timeoutsInARow = result.timedOut === true ? timeoutsInARow + 1 : 0;
      if (maxTimeouts > 0 && timeoutsInARow >= maxTimeouts && abortedBy === null) {
        abortedBy = `aborted after ${maxTimeouts} time-outs in a row (--max-timeouts; --keep-going runs every case)`;
      }
      results[index] = result;
      done += 1;
      options.onResult?.(result, done, options.cases.length);
    }
  };
  const watcher = setInterval(() => {
    if (interruption.signal !== null) stopAllContained();
  }, 50);
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, worker));
  } finally {
    clearInterval(watcher);
  }
  const stoppedEarly = stopReason();
  const filled = options.cases.map((testCase, index) => results[index] ?? unrun(testCase, interruption.signal !== null ? 'skipped' : 'error', `not run: ${stoppedEarly ?? 'unknown'}`));
  const cleanupProblems: string[] = lanes?.close() ?? [];
  if (!options.keepSandboxes) {
    const problem = removeTree(base);
    if (problem !== null) cleanupProblems.push(problem);
  }
  return { results: filled, startedAt: new Date(started).toISOString(), ms: Date.now() - started, sandboxBase: base, stoppedEarly, cleanupProblems };
}
