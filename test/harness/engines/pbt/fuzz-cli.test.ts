/**
 * `qfc fuzz --engine pbt` as a user runs it: it finds, shrinks and saves the flaw of broken
 * test receivers within a budget of runs, the saved case then fails them under
 * `qfc replay` and passes the reference, `--replay seed:path` reproduces the failure; every
 * case of the report replays from the report with the same verdict; a 2,000-run campaign
 * against the reference exercises every MUST clause of the receiver; Ctrl-C keeps the
 * report; bad usage is one line and exit 2.
 *
 * Campaigns here are bounded by runs, never by time: with one lane (`--jobs 1`) and a fixed
 * seed the inputs, and so the run that finds a flaw, are the same on every machine, however
 * loaded. How long finding takes is measured by `npm run bench` (time to first finding).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAUSES } from '../../../../spec/clauses.js';
import { describeStream } from '../../../../harness/engines/pbt/describe-stream.js';
import type { FuzzCase } from '../../../../harness/engines/pbt/fuzz-case.js';
import { brokenReceiver, qfc, qfcSync, QFC, readReport, runReplayCommand } from '../../../helpers/qfc-cli.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const report = readReport;

/** The most inputs a campaign against a fixture runs; each flaw below is found well within it. */
const RUNS = 60;

/**
 * Each fixture with a seed, and the invariant its flaw breaks. Runs to find it with
 * `--jobs 1 --property invariants`, seeds 1 to 8 (measured with bench/time-to-find.ts,
 * the campaign qfc fuzz --receiver runs; "-" means not within 150 runs):
 *   escape-dotdot           40 74  52  20 38 39  31  8   seed 8:  8 runs
 *   make-fifo               75 72   8  13  8  -  12  -   seed 3:  8 runs
 *   success-on-truncation    6 27  12  16 12 12   6  1   seed 1:  6 runs
 *   absolute-names          57 15 135  18 17 24 142 44   seed 2: 15 runs
 *   flood                    1  1   1   1  1  1   1  1   seed 1:  1 run
 */
const FIXTURES: readonly [flaw: string, seed: number, clause: string][] = [
  ['escape-dotdot', 8, 'inv.no-escape'],
  ['make-fifo', 3, 'inv.no-special-files'],
  ['success-on-truncation', 1, 'inv.end-marker-required'],
  ['absolute-names', 2, 'inv.no-escape'],
  ['flood', 1, 'inv.bounded'],
];

/** A deterministic campaign against a fixture: one lane, a seed, at most RUNS inputs. */
const campaignAgainst = (flaw: string, seed: number): string[] => ['fuzz', '--engine', 'pbt', '--receiver', brokenReceiver(flaw), '--property', 'invariants', '--jobs', '1', '--runs', String(RUNS), '--seed', String(seed)];

describe('qfc fuzz finds the broken receivers', () => {
  for (const [flaw, seed, clause] of FIXTURES) {
    it(`${flaw}: found within ${RUNS} runs (seed ${seed}), shrunk and saved; the saved case fails it and passes the reference`, async () => {
      const work = tempDir(`qfc-fuzz-${flaw}-`);
      const corpus = join(work, 'corpus');
      const out = join(work, 'report');
      const run = await qfc([...campaignAgainst(flaw, seed), '--corpus', corpus, '--out', out]);
      expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 1 });
      expect(run.stderr).toContain('FOUND: property invariants broken');
      expect(run.stderr).toContain(`  ${clause}: `);
      const saved = /^ {2}saved: (.+\.qfc)$/m.exec(run.stderr)?.[1];
      expect(saved).toBeDefined();
      const meta = JSON.parse(readFileSync(saved!.replace(/\.qfc$/, '.json'), 'utf8'));
      expect(meta).toMatchObject({ category: 'regressions', finding: { engine: 'pbt', property: 'invariants' } });
      expect(meta.clauses).toContain(clause);
      expect(meta.finding.violations[0].clause).toBe(clause);

      const document = report(out);
      expect(document.engine).toMatchObject({ name: 'pbt', execution: 'process', seed, failures: 1 });
      expect(document.engine!.findings[0]!.corpus).toBe(saved);
      expect(document.engine!.findings[0]!.minimalStream.length).toBeGreaterThan(0);

      const againstFixture = await qfc(['replay', saved!, '--receiver', brokenReceiver(flaw), '--out', join(work, 'replay-fixture')]);
      expect(againstFixture.status).toBe(1);
      const againstReference = await qfc(['replay', saved!, '--out', join(work, 'replay-reference')]);
      expect(againstReference.status).toBe(0);

      const replayLine = /^ {2}replay: (.+)$/m.exec(run.stderr)![1]!;
      expect(replayLine).toMatch(new RegExp(`^qfc fuzz --engine pbt --receiver '.*${flaw}' --property invariants --replay -?\\d+:[\\d:]+$`));
      const replayed = runReplayCommand(replayLine);
      expect(replayed.status).toBe(1);
      expect(replayed.stdout).toContain('property invariants broken');
      expect(replayed.stdout).toContain(`  ${clause}: `);
    }, 120_000);
  }
});

describe('a fuzz report replays', () => {
  // Seed 8 against escape-dotdot: a non-strict sample at run 6 (a near-valid stream with
  // non-ASCII names, refused by the naive receiver's stricter charset where the spec expects
  // another error), the finding at run 8.
  it('every stream case, from its stream kept beside the report, with the verdict the report gives it', async () => {
    const work = tempDir('qfc-fuzz-replay-report-');
    const out = join(work, 'report');
    const run = await qfc([...campaignAgainst('escape-dotdot', 8), '--corpus', join(work, 'corpus'), '--out', out]);
    expect(run.status).toBe(1);
    const cases = report(out).cases as readonly FuzzCase[];
    const sample = cases.find((reported) => reported.verdict === 'non-strict' && reported.streamFile !== undefined);
    expect(sample).toBeDefined();
    for (const reported of cases) {
      expect(reported).toMatchObject({ profile: expect.any(String), limits: expect.any(Object), streamHex: expect.stringMatching(/^[0-9a-f]*$/), streamLength: expect.any(Number) });
      expect(reported.replayInput).toMatch(/ --replay -?\d+:[\d:]+$/);
      if (reported.streamFile === undefined) continue;
      const stream = readFileSync(join(out, reported.streamFile));
      expect(stream.length).toBe(reported.streamLength);
      expect(stream.subarray(0, 64 << 10).toString('hex')).toBe(reported.streamHex);
      const meta = JSON.parse(readFileSync(join(out, reported.streamFile.replace(/\.qfc$/, '.json')), 'utf8'));
      expect({ profile: meta.profile, limits: meta.limits ?? {} }).toEqual({ profile: reported.profile, limits: reported.limits });

      expect(reported.replay).toMatch(/^qfc replay /);
      const replayOut = join(work, `replay-${reported.id}`);
      const replayed = runReplayCommand(`${reported.replay} --out ${replayOut}`);
      expect(replayed.status).toBe(reported.verdict === 'fail' ? 1 : 0);
      const again = report(replayOut).cases;
      expect(again).toHaveLength(1);
      const { verdict, violations, expected, observed, notes } = again[0]!;
      expect({ verdict, violations, expected, observed }).toEqual({ verdict: reported.verdict, violations: reported.violations, expected: reported.expected, observed: reported.observed });
      expect(reported.notes.slice(0, notes.length)).toEqual(notes);
    }
    // The campaign draws the sample again from its seed and path.
    const drawn = runReplayCommand(sample!.replayInput);
    expect(drawn.status).toBe(0);
    expect(drawn.stdout).toContain('verdict: non-strict\n');
    const sampleStream = new Uint8Array(readFileSync(join(out, sample!.streamFile!)));
    expect(drawn.stdout).toContain(['stream:', ...describeStream(sampleStream).map((line) => `  ${line}`)].join('\n'));
  }, 120_000);
});

describe('qfc fuzz when the corpus cannot be written', () => {
  it('still reports the finding, with why it was not saved, and leaves no partial case', async () => {
    const work = tempDir('qfc-fuzz-unwritable-');
    const blocker = join(work, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const out = join(work, 'report');
    const run = await qfc([...campaignAgainst('success-on-truncation', 1), '--corpus', join(blocker, 'corpus'), '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^ {2}not saved: cannot write .*: ENOTDIR$/m);
    expect(report(out).engine!.findings[0]!.corpus).toMatch(/^not kept: cannot write/);
    expect(readdirSync(work).sort()).toEqual(['a-file', 'report']);
  }, 60_000);
});

describe('qfc fuzz against the reference pair', () => {
  it('exercises every MUST clause of the receiver in 2,000 runs, without a failure', async () => {
    const out = join(tempDir('qfc-fuzz-coverage-'), 'report');
    // One lane: which 2,000 inputs run does not then depend on how two lanes interleave.
    const run = await qfc(['fuzz', '--runs', '2000', '--seed', '1', '--jobs', '1', '--out', out]);
    expect({ status: run.status, stderr: run.stderr.split('\n').filter((line) => line.startsWith('FOUND')) }).toEqual({ status: 0, stderr: [] });
    expect(run.stdout).toMatch(/^qfc fuzz: qfc reference.*: 2000 runs, \d+ executions in [\d.]+ s \([\d.]+ execs\/s, pbt, in-process\), seed 1: 0 failures/);
    const engine = report(out).engine!;
    const receiverMust = CLAUSES.filter((clause) => clause.subject === 'receiver' && clause.level === 'MUST').map((clause) => clause.id);
    expect(receiverMust.filter((id) => !(engine.clauseCounts[id]! > 0))).toEqual([]);
    expect(engine.neverExercised).toEqual([]);
    expect(engine).toMatchObject({ runs: 2000, failures: 0, execution: 'in-process', interrupted: false });
    expect(Object.keys(engine.families).sort()).toEqual(['hostile', 'near-valid', 'round-trip', 'valid']);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="properties" tests="3" failures="0"');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/execs\/s\*\*.*\n[\s\S]*every MUST clause reached/);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<h2>Clauses exercised</h2>');
  }, 180_000);

  it('runs the reference as programs in the sandbox with --process', async () => {
    const out = join(tempDir('qfc-fuzz-process-'), 'report');
    const run = await qfc(['fuzz', '--process', '--runs', '24', '--seed', '5', '--out', out]);
    expect(run.status).toBe(0);
    expect(report(out).engine).toMatchObject({ execution: 'process', runs: 24, failures: 0 });
    expect(report(out).implementation.sandbox).toMatch(/^bubblewrap \(uid \d+ gid \d+, /);
    expect(report(out).run.containment).toMatchObject({ confinement: 'bwrap', noNewPrivs: true });
  }, 120_000);

  it('keeps the report when interrupted (exit 130 with nothing found)', async () => {
    const out = join(tempDir('qfc-fuzz-interrupt-'), 'report');
    const child = spawn(process.execPath, [QFC, 'fuzz', '--seconds', '600', '--seed', '9', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => {
        if (stderr.includes('qfc fuzz:')) {
          clearInterval(wait);
          setTimeout(resolve, 2000);
        }
      }, 50);
    });
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(130);
    expect(stderr).toContain('interrupted');
    const engine = report(out).engine!;
    expect(engine.interrupted).toBe(true);
  }, 60_000);
});

describe('qfc fuzz usage', () => {
  const misuse: readonly [string, string[], RegExp][] = [
    ['an unknown engine', ['--engine', 'afl'], /^qfc: unknown engine 'afl' \(qfc fuzz has: pbt, jazzer\)$/],
    ['a zero budget', ['--seconds', '0'], /^qfc: --seconds takes a whole number of at least 1, not '0'$/],
    ['two budgets', ['--seconds', '5', '--runs', '5'], /^qfc: --seconds and --runs cannot be combined$/],
    ['a bad seed', ['--seed', 'abc'], /^qfc: --seed takes a whole number/],
    ['a bad replay', ['--replay', '12'], /^qfc: --replay takes SEED:PATH/],
    ['a budget with a replay', ['--replay', '1:2', '--runs', '3'], /^qfc: --replay runs one input: --runs does not apply$/],
    ['an unknown property', ['--property', 'speed'], /^qfc: --property is one of round-trip, differential, invariants, not 'speed'$/],
    ['an unknown profile', ['--profile', 'lax'], /^qfc: --profile is one of/],
    ['a missing receiver program', ['--receiver', '/nonexistent/unpacker'], /^qfc: cannot run the receiver/],
    ['a positional argument', ['stream.qfc'], /^qfc: qfc fuzz takes no positional argument/],
    ['an unknown option', ['--fast'], /^qfc: unknown option --fast$/],
  ];
  for (const [what, args, message] of misuse) {
    it(`refuses ${what} with one line and exit 2`, () => {
      const out = join(tempDir('qfc-fuzz-usage-'), 'report');
      const run = qfcSync(['fuzz', ...args, '--out', out].filter((arg, index, all) => !(args.includes('--replay') && (arg === '--out' || all[index - 1] === '--out'))));
      expect(run.status).toBe(2);
      expect(run.stderr.trimEnd()).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('prints its usage', () => {
    const run = qfcSync(['fuzz', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: qfc fuzz \[--engine pbt\|jazzer\]/);
  });
});
