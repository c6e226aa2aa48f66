/**
 * results.json: the one document every other report format is rendered from.
 */
import { createHash } from 'node:crypto';
import type { Implementation } from '../adapters/implementation.js';
import type { CatalogueCase } from '../catalogue/catalogue-case.js';
import type { SandboxPaths } from '../sandbox/sandbox-root.js';
import type { CoverageSummary } from '../certify/implementation-coverage.js';
import { VERDICT_RANK, type CaseResult, type Verdict } from '../verdicts/case-result.js';

export interface ResultsDocument {
  readonly suite: { readonly name: string; readonly version: string; readonly corpusDigest: string; readonly contract: number };
  readonly implementation: { readonly name: string; readonly receiver: string | null; readonly sender: string | null; readonly openInVm: string | null; readonly profile: string; readonly sandbox: string };
  readonly summary: { readonly total: number; readonly pass: number; readonly fail: number; readonly nonStrict: number; readonly info: number; readonly error: number; readonly skipped: number };
  readonly run: {
    readonly startedAt: string;
    readonly ms: number;
    readonly strict: boolean;
    readonly jobs: number;
    readonly uid: number;
    readonly command: string;
    /** What the programs ran as and with, read from inside the sandbox (probe-containment.ts). */
    readonly containment?: Readonly<Record<string, unknown>>;
    /** Why the run stopped before its last case (interrupted, too many time-outs). */
    readonly stoppedEarly?: string;
    /** What qfc could not clean up after the run. */
    readonly cleanupProblems?: readonly string[];
  };
  readonly cases: readonly CaseResult[];
  /** A fuzz campaign's statistics (absent for certify and replay). */
  readonly engine?: EngineReport;
  /** With `--expect`: the file and the cases by outcome (`category/id`; expected cases only counted). */
  readonly expectations?: ExpectationsSummary;
  /** With `--coverage`: how much of the implementation the run exercised. */
  readonly coverage?: CoverageSummary;
}

/** How a run compared with its expectations file. */
export interface ExpectationsSummary {
  readonly file: string;
  readonly expected: number;
  /** Doing better than accepted: update the expectations. */
  readonly better: readonly string[];
  /** Regressions: worse than accepted, or failing with no entry. */
  readonly worse: readonly string[];
  readonly unexpected: readonly string[];
  /** Skipped where a verdict was accepted, or the reverse. */
  readonly changed: readonly string[];
}

/** One finding of a fuzz campaign, as the report lists it. */
export interface EngineFinding {
  /** Id of its case in `cases`. */
  readonly id: string;
  readonly property: string;
  readonly seed: number;
  readonly path: string;
  readonly replay: string;
  readonly shrinks: number;
  readonly msToFind: number;
  /** Runs of the campaign until this finding (its place in the seed's sequence). */
  readonly runsToFind: number;
  readonly msToShrink: number;
  /** Where it was saved in the corpus, or why not. */
  readonly corpus: string;
  /** The smallest failing stream, a line per part. */
  readonly minimalStream: readonly string[];
}

/** What a fuzz engine reports beside the cases (its findings and samples). */
export interface EngineReport {
  readonly name: string;
  /** 'in-process' (the reference pair without spawning) or 'process' (programs in the sandbox). */
  readonly execution: string;
  readonly seed: number;
  readonly properties: readonly string[];
  readonly runs: number;
  readonly execs: number;
  readonly seconds: number;
  readonly execsPerSecond: number;
  readonly failures: number;
  readonly interrupted: boolean;
  /** Verdict counts per input family. */
  readonly families: Readonly<Record<string, Readonly<Record<Verdict, number>>>>;
  /** How often each clause was exercised, every clause the campaign can reach listed (0 included). */
  readonly clauseCounts: Readonly<Record<string, number>>;
  /** MUST clauses among those that the campaign never exercised. */
  readonly neverExercised: readonly string[];
  readonly findings: readonly EngineFinding[];
  /** A Jazzer.js campaign's libFuzzer figures. */
  readonly libFuzzer?: {
    readonly workers: number;
    /** 'system' or 'compat' (the Debian 13 libraries a Debian 12 host loads Jazzer.js with). */
    readonly runtime: string;
    /** 'structured' or 'raw' inputs. */
    readonly mode: string;
    readonly execs: number;
    readonly edges: number;
    readonly features: number;
    readonly corpusDir: string;
    readonly corpusSize: number;
    /** Seeds added to the corpus directory at the start (catalogue and corpus streams it did not have). */
    readonly seeded: number;
    readonly dictionary: string;
  };
}

const PLACEHOLDER: SandboxPaths = { root: '/qfc-sandbox', target: '/qfc-sandbox/target', outside: '/qfc-sandbox/outside', source: '/qfc-sandbox/source' };

/** A digest of the cases' definitions, so two reports can tell whether they ran the same catalogue. */
export function corpusDigest(cases: readonly CatalogueCase[]): string {
  const hash = createHash('sha256');
  for (const testCase of cases) {
    hash.update(`${testCase.kind}\0${testCase.id}\0${testCase.clauses.join(',')}\0`);
    if (testCase.kind === 'receiver') hash.update(testCase.stream(PLACEHOLDER));
  }
  return `sha256:${hash.digest('hex')}`;
}

/** The cases that are not a pass (nor skipped), worst first (fail, error, non-strict, info), each verdict in its run's order. */
export function bySeverity<T extends Pick<CaseResult, 'verdict'>>(cases: readonly T[]): T[] {
  const notPass = cases.filter((result): result is T & { verdict: Exclude<Verdict, 'pass' | 'skipped'> } => result.verdict !== 'pass' && result.verdict !== 'skipped');
  return notPass.sort((a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict]);
}

/** Counts of each verdict. */
export function summarize(cases: readonly CaseResult[]): ResultsDocument['summary'] {
  const count = (verdict: Verdict): number => cases.filter((result) => result.verdict === verdict).length;
  return { total: cases.length, pass: count('pass'), fail: count('fail'), nonStrict: count('non-strict'), info: count('info'), error: count('error'), skipped: count('skipped') };
}

/** The command lines of an implementation, for the report header. */
export function describeImplementation(implementation: Implementation, profile: string, sandbox: string): ResultsDocument['implementation'] {
  const line = (argv: readonly string[] | undefined): string | null => (argv === undefined ? null : argv.join(' '));
  return {
    name: implementation.name,
    receiver: line(implementation.receiver?.argv),
    sender: line(implementation.sender?.argv),
    openInVm: implementation.openInVm === null ? null : `${line(implementation.openInVm.client)} | ${line(implementation.openInVm.server)}`,
    profile,
    sandbox,
  };
}

/**
 * True when the run must fail a CI job: a fail or an error, or a non-strict case in a strict
 * run; for a fuzz campaign, a finding (a broken property it checks) or an error.
 */
export function runFailed(document: Pick<ResultsDocument, 'summary' | 'run' | 'engine' | 'expectations'>): boolean {
  if (document.engine !== undefined) return document.engine.failures > 0 || document.summary.error > 0;
  // With expectations, only what is worse than accepted fails the gate.
  if (document.expectations !== undefined) return document.expectations.worse.length > 0 || document.expectations.unexpected.length > 0;
  return document.summary.fail > 0 || document.summary.error > 0 || (document.run.strict && document.summary.nonStrict > 0);
}
