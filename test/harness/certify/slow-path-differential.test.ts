/**
 * The fast path (sandbox lanes, qfc's own side of a pair in-process) judges exactly as the slow
 * path (a bubblewrap per program run, the reference side as a program), which is what qfc
 * did before lanes: the same verdict and the same violated clauses for every case of the
 * catalogue on the bundled pair, of the corpus, and of each broken receiver's cases, and the
 * same campaign (verdict counts, findings, runs to find them) for a fuzz run of fixed seed
 * and run count.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceImplementation } from '../../../harness/adapters/bundled-implementations.js';
import type { Implementation } from '../../../harness/adapters/implementation.js';
import { naiveReceiver } from '../../../harness/bench/time-to-find.js';
import { CATALOGUE, type CatalogueCase } from '../../../harness/catalogue/index.js';
import { certify } from '../../../harness/certify/certify.js';
import { selectCases } from '../../../harness/certify/select-cases.js';
import { readCorpus } from '../../../harness/corpus/read-corpus.js';
import { runReceiverCampaign } from '../../../harness/engines/pbt/receiver-campaign.js';
import { PACKAGE_ROOT } from '../../../harness/package-root.js';
import { bwrapAvailable } from '../../../harness/sandbox/run-contained.js';
import type { CaseResult } from '../../../harness/verdicts/case-result.js';

function naive(flaw: string, timeLimitMs = 10_000): Implementation {
  return { ...naiveReceiver(flaw), timeLimitMs };
}

/**
 * What each case was judged: its verdict and violated clauses (not the times or the notes).
 * A run that hit its time limit shows only how far it got, which is the machine's doing: such
 * a case is compared by its verdict and `inv.bounded` alone, and one that timed out on one
 * path only (a loaded machine) is left out of the comparison, and listed.
 */
function judged(fastResults: readonly CaseResult[], slowResults: readonly CaseResult[]): { fast: Record<string, string>; slow: Record<string, string>; uncompared: string[] } {
  const key = (result: CaseResult): string => `${result.kind}:${result.id}:${result.profile}`;
  const slowByKey = new Map(slowResults.map((result) => [key(result), result]));
  const outcome = (result: CaseResult, timedOut: boolean): string =>
    timedOut ? `${result.verdict} ${result.violations.some((violation) => violation.clause === 'inv.bounded') ? 'inv.bounded' : ''} (timed out)` : `${result.verdict} ${[...new Set(result.violations.map((violation) => violation.clause))].sort().join(',')}`;
  const fast: Record<string, string> = {};
  const slow: Record<string, string> = {};
  const uncompared: string[] = [];
  for (const result of fastResults) {
    const other = slowByKey.get(key(result));
    if (other === undefined) {
      fast[key(result)] = outcome(result, false);
      continue;
    }
    if ((result.timedOut === true) !== (other.timedOut === true)) {
      uncompared.push(key(result));
      continue;
    }
    fast[key(result)] = outcome(result, result.timedOut === true);
    slow[key(result)] = outcome(other, other.timedOut === true);
  }
  for (const result of slowResults) if (!(key(result) in slow) && !uncompared.includes(key(result))) slow[key(result)] = outcome(result, false);
  return { fast, slow, uncompared };
}

async function bothPaths(implementation: Implementation, cases: readonly CatalogueCase[]): Promise<[Record<string, string>, Record<string, string>]> {
  const common = { implementation, reference: referenceImplementation(), cases, jobs: 2, confinement: 'bwrap' as const, owner: null, keepSandboxes: false, maxTimeouts: 0 };
  const fastRun = await certify({ ...common, slowPath: false });
  const slowRun = await certify({ ...common, slowPath: true });
  expect(fastRun.cleanupProblems).toEqual([]);
  const { fast, slow, uncompared } = judged(fastRun.results, slowRun.results);
  if (uncompared.length > 0) console.warn(`timed out on one path only (machine load), not compared: ${uncompared.join(', ')}`);
  // A load spike may cost a case or two; more means the paths do differ in how long runs take.
  expect(uncompared.length).toBeLessThanOrEqual(Math.max(1, cases.length / 20));
  return [fast, slow];
}

const only = (patterns: readonly string[]): CatalogueCase[] => selectCases(CATALOGUE, { only: patterns, profile: null, strict: true });

describe.skipIf(!bwrapAvailable())('the fast path judges as the slow path', () => {
  it('on the whole catalogue, for the bundled pair as programs', async () => {
    const [fast, slow] = await bothPaths(referenceImplementation(), CATALOGUE);
    expect(Object.keys(fast).length).toBeGreaterThanOrEqual(CATALOGUE.length - 1);
    expect(fast).toEqual(slow);
  }, 600_000);

  it('on the sender cases, for the reference sender alone (scripted and reference receivers in-process)', async () => {
    const reference = referenceImplementation();
    const senderOnly: Implementation = { ...reference, name: 'reference sender', receiver: null, openInVm: null };
    const [fast, slow] = await bothPaths(senderOnly, only(['sender/*']));
    expect(Object.keys(fast).length).toBeGreaterThan(10);
    expect(fast).toEqual(slow);
  }, 300_000);

  it('on the corpus, for the reference receiver', async () => {
    const { cases, problems } = readCorpus([join(PACKAGE_ROOT, 'corpus')], PACKAGE_ROOT);
    expect(problems).toEqual([]);
    expect(cases.length).toBeGreaterThan(0);
    const [fast, slow] = await bothPaths(referenceImplementation(), cases);
    expect(fast).toEqual(slow);
  }, 300_000);

  // Each flaw on its own cases, valid trees and the round trips (where the reference
  // sender meets it: in-process on the fast path, as qfile-agent on the slow one).
  const FLAWS: readonly [string, readonly string[], number?][] = [
    ['escape-dotdot', ['*/dotdot-leading', '*/dotdot-in-middle', 'valid-trees/*', 'sender/*']],
    ['absolute-names', ['*/absolute-into-sandbox', '*/absolute-name', 'valid-trees/*']],
    ['follow-symlinks', ['*/file-through-link-to-outside', '*/file-over-link-to-outside', 'sender/*']],
    ['make-fifo', ['*/fifo', '*/socket', 'sender/*']],
    ['success-on-truncation', ['*/missing-end-marker', '*/cut-inside-file-content', '*/cut-after-file-name', 'truncation/*']],
    ['flood', ['*/single-file', '*/dotdot-leading']],
    ['no-result', ['*/single-file', 'valid-trees/*']],
    ['hang', ['*/single-file', '*/empty-stream'], 1000],
  ];
  for (const [flaw, patterns, timeLimitMs] of FLAWS) {
    it(`on the naive receiver's ${flaw} cases`, async () => {
      const cases = only(patterns);
      expect(cases.length).toBeGreaterThan(1);
      const [fast, slow] = await bothPaths(naive(flaw, timeLimitMs), cases);
      expect(fast).toEqual(slow);
      expect(Object.values(fast).some((outcome) => outcome.startsWith('fail'))).toBe(true);
    }, 300_000);
  }

  it('for a fuzz campaign of fixed seed and run count against a broken receiver', async () => {
    const campaign = async (slowPath: boolean) => {
      const result = await runReceiverCampaign(
        { implementation: naive('escape-dotdot'), properties: new Set(['invariants', 'differential', 'round-trip']), slowPath, specials: ['fifo', 'socket'] },
        { seed: 20261202, runs: 40, ms: null, jobs: 1, keepGoing: true, shrinkMs: 1 },
      );
      return {
        verdicts: result.statistics.verdicts,
        families: result.statistics.families,
        findings: result.findings.map((finding) => `${finding.property} ${finding.run.result.violations[0]?.clause} after ${finding.runsToFind}`),
      };
    };
    const fast = await campaign(false);
    const slow = await campaign(true);
    expect(fast.findings.length).toBeGreaterThan(0);
    expect(fast).toEqual(slow);
  }, 600_000);
});
