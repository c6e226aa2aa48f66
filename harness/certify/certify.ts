/**
 * Run a set of catalogue cases against an implementation, `jobs` at a time, each in its own
 * sandbox, and collect the verdicts.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Implementation } from '../adapters/implementation.js';
import type { CatalogueCase } from '../catalogue/catalogue-case.js';
import type { Confinement } from '../sandbox/run-contained.js';
import type { CaseResult } from '../verdicts/case-result.js';
import { runEditorCase } from './run-editor-case.js';
import { runReceiverCase } from './run-receiver-case.js';
import { runSenderCase } from './run-sender-case.js';
import { visiblePaths, type RunSettings } from './run-settings.js';

export interface CertifyOptions {
  readonly implementation: Implementation;
  readonly reference: Implementation;
  readonly cases: readonly CatalogueCase[];
  readonly jobs: number;
  readonly confinement: Confinement;
  readonly owner: RunSettings['owner'];
  readonly keepSandboxes: boolean;
  /** Called after each case, in completion order. */
  readonly onResult?: (result: CaseResult, done: number, total: number) => void;
}

export interface CertifyRun {
  /** Results in catalogue order. */
  readonly results: readonly CaseResult[];
  readonly startedAt: string;
  readonly ms: number;
  /** Where the sandboxes were (removed unless kept). */
  readonly sandboxBase: string;
}

function runCase(testCase: CatalogueCase, settings: RunSettings): Promise<CaseResult> {
  if (testCase.kind === 'receiver') return runReceiverCase(testCase, settings);
  if (testCase.kind === 'sender') return runSenderCase(testCase, settings);
  return runEditorCase(testCase, settings);
}

/** Run every case; a harness failure in one case becomes that case's `error` verdict. */
export async function certify(options: CertifyOptions): Promise<CertifyRun> {
  const started = Date.now();
  const base = mkdtempSync(join(tmpdir(), 'qfc-certify-'));
  chmodSync(base, 0o755); // a program run with --uid must reach its sandbox through it
  const settings: RunSettings = {
    implementation: options.implementation,
    reference: options.reference,
    confinement: options.confinement,
    base,
    owner: options.owner,
    keepSandboxes: options.keepSandboxes,
    visiblePaths: visiblePaths([options.implementation, options.reference]),
  };
  const results: CaseResult[] = new Array(options.cases.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < options.cases.length) {
      const index = next++;
      const testCase = options.cases[index]!;
      let result: CaseResult;
      try {
        result = await runCase(testCase, settings);
      } catch (error) {
        result = {
          id: testCase.id, kind: testCase.kind, category: testCase.category, title: testCase.title, clauses: testCase.clauses,
          profile: testCase.kind === 'receiver' ? testCase.profile : 'default', verdict: 'error', expected: {}, observed: {}, violations: [],
          notes: [`the harness failed: ${(error as Error).message}`], ms: 0,
        };
      }
      results[index] = result;
      done += 1;
      options.onResult?.(result, done, options.cases.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, worker));
  if (!options.keepSandboxes) rmSync(base, { recursive: true, force: true });
  return { results, startedAt: new Date(started).toISOString(), ms: Date.now() - started, sandboxBase: base };
}
