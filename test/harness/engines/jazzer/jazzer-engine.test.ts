/**
 * `qfc fuzz --engine jazzer` as a user runs it: it finds the flaw of each broken test
 * receiver (as a program in the sandbox, and as a module in-process), saves a minimal
 * replayable case (`qfc replay` of the saved stream fails the fixture and passes the
 * reference; `--replay FILE` reproduces the finding), finds nothing in the bundled pair
 * with libFuzzer's coverage rising, keeps its corpus directory between campaigns, keeps the
 * report on Ctrl-C, and says in one line what went wrong when a worker cannot run.
 *
 * Campaigns are bounded by runs (`-runs`) and a fixed seed with one worker, never by time.
 * libFuzzer runs the seed corpus (the catalogue and corpus streams) first: a flaw that one
 * of them shows is found there, which is the point of seeding with them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAWS } from '../../../../harness/bench/time-to-find.js';
import { brokenReceiver, qfc, QFC, readReport, runReplayCommand } from '../../../helpers/qfc-cli.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const MODULE_FIXTURE = new URL('../../../fixtures/broken-receivers/dotdot-unpack-module.mjs', import.meta.url).pathname;

const report = readReport;

/** A bounded, seeded campaign with one worker and its own corpus, report and libFuzzer directories. */
function campaign(work: string, extra: readonly string[], runs = 600): string[] {
  return ['fuzz', '--engine', 'jazzer', '--jobs', '1', '--runs', String(runs), '--seed', '1', '--shrink-seconds', '2', '--corpus-dir', join(work, 'libfuzzer'), '--corpus', join(work, 'corpus'), '--out', join(work, 'report'), ...extra];
}

/** A 600 s campaign on the bundled pair, resolved once its workers are fuzzing (a progress line with runs). */
async function runningCampaign(work: string): Promise<{ child: ReturnType<typeof spawn>; stderr: () => string; corpusDir: string }> {
  const corpusDir = join(work, 'libfuzzer');
  const child = spawn(process.execPath, [QFC, 'fuzz', '--engine', 'jazzer', '--seconds', '600', '--corpus-dir', corpusDir, '--out', join(work, 'report')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (/\n\d+ s of 600 s: [1-9]\d* runs/.test(stderr)) {
        clearInterval(check);
        resolve();
      }
    }, 200);
  });
  return { child, stderr: () => stderr, corpusDir };
}

// Two campaigns at a time: each is one libFuzzer worker and one lane, bounded by runs, not time.
describe.concurrent('qfc fuzz --engine jazzer finds the broken receivers', () => {
  for (const [flaw, property] of FLAWS) {
    it(`${flaw}: ${property} broken, saved, replayable`, async () => {
      const work = tempDir(`qfc-jazzer-${flaw}-`);
      // A hanging receiver costs a time limit per run: a short one keeps the test short.
      const limits = flaw === 'hang' ? ['--time-limit', '1000'] : [];
      const run = await qfc(campaign(work, ['--receiver', brokenReceiver(flaw), '--property', property, ...limits]));
      expect({ status: run.status, stderr: run.stderr.slice(-2000) }).toMatchObject({ status: 1 });
      expect(run.stderr).toContain(`FOUND: property ${property} broken`);
      const document = report(join(work, 'report'));
      expect(document.engine).toMatchObject({ name: 'jazzer', execution: 'process', failures: 1 });
      expect(document.engine!.libFuzzer).toMatchObject({ workers: 1, mode: 'structured' });

      const replayLine = /^ {2}replay: (.+)$/m.exec(run.stderr)![1]!;
      expect(replayLine).toMatch(/^qfc fuzz --engine jazzer --receiver '.*' .*--replay \S+\.input$/);
      const replayed = runReplayCommand(replayLine);
      expect(replayed.status).toBe(1);
      expect(replayed.stdout).toContain(`property ${property} broken`);

      // A round trip whose sender is not at fault, or any stream, is kept in the corpus.
      const saved = /^ {2}saved: (.+\.qfc)$/m.exec(run.stderr)?.[1];
      expect(saved).toBeDefined();
      const meta = JSON.parse(readFileSync(saved!.replace(/\.qfc$/, '.json'), 'utf8'));
      expect(meta).toMatchObject({ category: 'regressions', finding: { engine: 'jazzer', property } });
      expect(meta.provenance).toMatch(/^qfc fuzz --engine jazzer, property \S+, input \S+\.input, libFuzzer corpus \S+/);
      const againstFixture = await qfc(['replay', saved!, '--receiver', brokenReceiver(flaw), ...limits, '--out', join(work, 'replay-fixture')]);
      expect(againstFixture.status).toBe(1);
      const againstReference = await qfc(['replay', saved!, '--out', join(work, 'replay-reference')]);
      expect(againstReference.status).toBe(0);
    }, 300_000);
  }

  it('finds the flaw of a receiver module run in-process, with its own coverage', async () => {
    const work = tempDir('qfc-jazzer-module-');
    const manifest = join(work, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ contract: 1, name: 'dotdot module', receiver: { command: ['/bin/false'], module: MODULE_FIXTURE } }));
    const run = await qfc(campaign(work, ['--impl', manifest, '--property', 'invariants']));
    expect({ status: run.status, stderr: run.stderr.slice(-2000) }).toMatchObject({ status: 1 });
    expect(run.stderr).toContain(`receiver module ${MODULE_FIXTURE} in-process (UNCONFINED`);
    expect(run.stderr).toMatch(/FOUND: property invariants broken[^\n]*\n {2}inv\.no-escape: /);
    expect(report(join(work, 'report')).engine).toMatchObject({ name: 'jazzer', execution: 'in-process', failures: 1 });
  }, 300_000);

  it('refuses a receiver module without an unpack export in one line, exit 2', async () => {
    const work = tempDir('qfc-jazzer-bad-module-');
    const module = join(work, 'empty.mjs');
    writeFileSync(module, 'export const nothing = 1;\n');
    const manifest = join(work, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ contract: 1, name: 'empty', receiver: { command: ['/bin/false'], module } }));
    const run = await qfc(campaign(work, ['--impl', manifest]));
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`qfc: the receiver module ${module} exports no unpack function`);
  }, 60_000);
});

describe('qfc fuzz --engine jazzer on the bundled pair', () => {
  it('finds nothing, reaches coverage, and keeps its corpus directory between campaigns', async () => {
    const work = tempDir('qfc-jazzer-reference-');
    const first = await qfc(campaign(work, [], 1500));
    expect({ status: first.status, stderr: first.stderr.slice(-2000) }).toMatchObject({ status: 0 });
    expect(first.stdout).toMatch(/: 0 failures, \d+ non-strict, 0 error\n/);
    const document = report(join(work, 'report'));
    const libFuzzer = document.engine!.libFuzzer!;
    expect(document.engine).toMatchObject({ name: 'jazzer', execution: 'in-process', failures: 0 });
    expect(document.summary.total).toBeGreaterThanOrEqual(1500);
    expect(libFuzzer.edges).toBeGreaterThan(300);
    expect(libFuzzer.seeded).toBeGreaterThan(200); // the catalogue's streams, as structured inputs
    expect(libFuzzer.corpusSize).toBeGreaterThanOrEqual(libFuzzer.seeded);
    expect(readdirSync(join(work, 'libfuzzer')).length).toBe(libFuzzer.corpusSize);
    // The families of a structured campaign: streams and round trips.
    expect(Object.keys(document.engine!.families)).toContain('round-trip');

    const second = await qfc(campaign(work, ['--input', 'structured'], 300));
    expect(second.status).toBe(0);
    expect(report(join(work, 'report')).engine!.libFuzzer!.seeded).toBe(0);
  }, 300_000);

  it('runs raw inputs (the input is the stream) with --input raw', async () => {
    const work = tempDir('qfc-jazzer-raw-');
    const run = await qfc(campaign(work, ['--input', 'raw'], 400));
    expect({ status: run.status, stderr: run.stderr.slice(-2000) }).toMatchObject({ status: 0 });
    expect(report(join(work, 'report')).engine!.libFuzzer).toMatchObject({ mode: 'raw' });
  }, 300_000);

  it('keeps the report when interrupted (exit 130 with nothing found) and leaves no worker behind', async () => {
    const work = tempDir('qfc-jazzer-interrupt-');
    const { child, stderr: output } = await runningCampaign(work);
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ status, stderr: output().slice(-1500) }).toMatchObject({ status: 130 });
    expect(report(join(work, 'report')).engine).toMatchObject({ name: 'jazzer', interrupted: true });
    const left = spawnSync('pgrep', ['-f', join(work, 'libfuzzer')], { encoding: 'utf8' });
    expect(left.stdout).toBe('');
  }, 300_000);

  it('says in one line that a worker died without a finding (killed as the OOM killer would), exit 1', async () => {
    const work = tempDir('qfc-jazzer-killed-worker-');
    const { child, stderr, corpusDir } = await runningCampaign(work);
    // The worker is the process whose command line names the corpus directory.
    spawnSync('pkill', ['-KILL', '-f', `implementation-target.js ${corpusDir}`]);
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(1);
    expect(stderr().trim().split('\n').at(-1)).toMatch(/^qfc fuzz: Jazzer\.js worker 1 stopped \(signal SIGKILL\) without a finding: /);
    expect(stderr()).not.toMatch(/\n\s+at /);
  }, 300_000);

  it('leaves no worker behind when qfc itself is killed with SIGKILL', async () => {
    const work = tempDir('qfc-jazzer-orphans-');
    const { child, corpusDir } = await runningCampaign(work);
    const workers = (): string => spawnSync('pgrep', ['-f', `implementation-target.js ${corpusDir}`], { encoding: 'utf8' }).stdout;
    expect(workers()).not.toBe('');
    child.kill('SIGKILL');
    // The workers notice within a second that their campaign is gone; allow for a loaded machine.
    for (let waited = 0; waited < 30_000 && workers() !== ''; waited += 250) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(workers()).toBe('');
  }, 300_000);

  it('refuses a --dict that is not a file and a --corpus-dir that cannot be a directory, in one line, exit 2', async () => {
    const work = tempDir('qfc-jazzer-bad-options-');
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const dict = await qfc(campaign(work, ['--dict', work]));
    expect({ status: dict.status, stderr: dict.stderr.trim() }).toEqual({ status: 2, stderr: `qfc: --dict ${work}: not a file` });
    const corpus = await qfc(['fuzz', '--engine', 'jazzer', '--runs', '1', '--corpus-dir', join(file, 'sub')]);
    expect({ status: corpus.status, stderr: corpus.stderr.trim() }).toEqual({ status: 2, stderr: `qfc: --corpus-dir ${join(file, 'sub')}: ENOTDIR` });
  }, 60_000);
});
