/**
 * How much of the implementation under test a certify run exercised (`qfc certify --coverage`).
 *
 * - A Node.js implementation: every program run gets NODE_V8_COVERAGE pointing at a directory
 *   made writable inside the sandbox; V8 writes each process's coverage there as it exits.
 *   Afterwards only the entries of the implementation's own scripts are kept (not qfc's
 *   programs, which may run beside it), and c8 turns them into an HTML view and a summary.
 *   Where a script has a source map (the bundled reference's do), the figures are per source
 *   file.
 * - A C implementation built with --coverage (manifest `coverage.gcov`, its build directory):
 *   the directory is writable inside the sandbox, its .gcda counters are reset before the run,
 *   and gcov itself (`--json-format`) summarises what the run executed.
 *
 * Either way the report gets lines, branches and functions, per file and in total.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Implementation } from '../adapters/implementation.js';
import { programFiles } from './program-files.js';
import type { CoverageCollection } from './run-settings.js';

/** Covered of total, and the percentage (100 when there is nothing to cover). */
export interface CoverageCount {
  readonly covered: number;
  readonly total: number;
  readonly pct: number;
}

/** What the run exercised, as the report keeps it. */
export interface CoverageSummary {
  readonly tool: 'c8' | 'gcov';
  readonly lines: CoverageCount;
  readonly branches: CoverageCount;
  readonly functions: CoverageCount;
  readonly files: readonly ({ readonly file: string } & Pick<CoverageSummary, 'lines' | 'branches' | 'functions'>)[];
  /** The HTML view, relative to the report directory (c8 only). */
  readonly html: string | null;
  /** Why there is nothing to show, when there is not. */
  readonly problem: string | null;
}

/** A `--coverage` run in the making: what its programs get, and how to read what they left. */
export interface CoverageRun {
  readonly collection: CoverageCollection;
  /** Summarise what the run left; the HTML view (if any) is moved into `reportDir`. */
  finish(reportDir: string): CoverageSummary;
  /** Remove what the run left (after finish, or when the run failed). */
  dispose(): void;
}

const count = (covered: number, total: number): CoverageCount => ({ covered, total, pct: total === 0 ? 100 : Math.round((covered / total) * 10_000) / 100 });
const NOTHING: Pick<CoverageSummary, 'lines' | 'branches' | 'functions' | 'files'> = { lines: count(0, 0), branches: count(0, 0), functions: count(0, 0), files: [] };

function listFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name), suffix) : entry.name.endsWith(suffix) ? [join(dir, entry.name)] : []));
}

/** V8 coverage through c8. */
function v8Coverage(implementation: Implementation, owner: { uid: number; gid: number } | null): CoverageRun {
  const dir = mkdtempSync(join(tmpdir(), 'qfc-coverage-'));
  const raw = join(dir, 'v8');
  const kept = join(dir, 'kept');
  for (const sub of [raw, kept]) mkdirSync(sub);
  chmodSync(dir, 0o755); // a program run with --uid must reach its directory through it
  if (owner !== null) chownSync(raw, owner.uid, owner.gid);
  const argvs = [implementation.receiver?.argv, implementation.sender?.argv, implementation.openInVm?.client, implementation.openInVm?.server].filter((argv): argv is readonly string[] => argv !== undefined);
  const scripts = new Set(programFiles(argvs).map((file) => pathToFileURL(file.path).href));
  return {
    collection: { writable: [raw], env: { NODE_V8_COVERAGE: raw } },
    finish(reportDir) {
      // Only the implementation's own scripts: qfc's programs may have run with the variable too.
      let processes = 0;
      for (const file of listFiles(raw, '.json')) {
        let data: { result?: { url?: string }[] };
        try {
          data = JSON.parse(readFileSync(file, 'utf8')) as typeof data;
        } catch {
          continue; // a process killed while writing
        }
        const result = (data.result ?? []).filter((entry) => entry.url !== undefined && scripts.has(entry.url));
        if (result.length === 0) continue;
        processes += 1;
        writeFileSync(join(kept, `coverage-${processes}.json`), JSON.stringify({ ...data, result }));
      }
      if (processes === 0) return { tool: 'c8', ...NOTHING, html: null, problem: `no V8 coverage of the implementation's scripts was written (${scripts.size} script${scripts.size === 1 ? '' : 's'} looked for): is it a Node.js program?` };
      const c8 = createRequire(import.meta.url).resolve('c8/bin/c8.js');
      const reports = join(dir, 'report');
      const run = spawnSync(process.execPath, [c8, 'report', '--temp-directory', kept, '--reports-dir', reports, '--reporter', 'html', '--reporter', 'json-summary', '--allowExternal', '--exclude-node-modules=false', '--exclude', 'nothing-excluded'], { cwd: '/', encoding: 'utf8', timeout: 600_000 });
      const summaryPath = join(reports, 'coverage-summary.json');
      if (run.status !== 0 || !existsSync(summaryPath)) return { tool: 'c8', ...NOTHING, html: null, problem: `c8 could not report: ${(run.stderr || run.error?.message || `exit ${run.status}`).trim().split('\n')[0]}` };
      const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, Record<'lines' | 'branches' | 'functions', { covered: number; total: number }>>;
      const of = (entry: Record<'lines' | 'branches' | 'functions', { covered: number; total: number }>): Pick<CoverageSummary, 'lines' | 'branches' | 'functions'> => ({
        lines: count(entry.lines.covered, entry.lines.total),
        branches: count(entry.branches.covered, entry.branches.total),
        functions: count(entry.functions.covered, entry.functions.total),
      });
      const files = Object.entries(summary)
        .filter(([file]) => file !== 'total')
        .map(([file, entry]) => ({ file, ...of(entry) }))
        .sort((a, b) => (a.file < b.file ? -1 : 1));
      const html = join(reportDir, 'coverage');
      rmSync(html, { recursive: true, force: true });
      renameSync(reports, html);
      return { tool: 'c8', ...of(summary.total!), files, html: 'coverage/index.html', problem: null };
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface GcovFile {
  readonly file: string;
  readonly lines: readonly { readonly line_number: number; readonly count: number; readonly branches: readonly { readonly count: number }[] }[];
  readonly functions: readonly { readonly name: string; readonly execution_count: number }[];
}

/** gcov counters of a C implementation built with --coverage. */
function gcovCoverage(buildDir: string, owner: { uid: number; gid: number } | null): CoverageRun {
  if (!existsSync(buildDir) || !statSync(buildDir).isDirectory()) throw new Error(`coverage.gcov ${buildDir} is not a directory`);
  // This run's counts only: what earlier runs left is reset, as `lcov --zerocounters` does.
  for (const file of listFiles(buildDir, '.gcda')) rmSync(file, { force: true });
  if (owner !== null) for (const dir of [buildDir, ...listFiles(buildDir, '.gcno').map(dirname)]) chownSync(dir, owner.uid, owner.gid);
  return {
    collection: { writable: [buildDir], env: {} },
    finish() {
      const counters = listFiles(buildDir, '.gcda');
      if (counters.length === 0) return { tool: 'gcov', ...NOTHING, html: null, problem: `no .gcda file was written in ${buildDir}: was the implementation built there with --coverage?` };
      // Lines, branches and functions per source file, merged over every object that has it.
      const lines = new Map<string, Map<number, { count: number; branches: number[] }>>();
      const functions = new Map<string, Map<string, number>>();
      for (const gcda of counters) {
        const run = spawnSync('gcov', ['--json-format', '--stdout', '--branch-probabilities', '--object-directory', dirname(gcda), gcda], { cwd: dirname(gcda), encoding: 'utf8', timeout: 120_000, maxBuffer: 256 << 20 });
        if (run.status !== 0) return { tool: 'gcov', ...NOTHING, html: null, problem: `gcov failed on ${gcda}: ${(run.stderr || run.error?.message || '').trim().split('\n')[0]}` };
        for (const document of run.stdout.split('\n').filter((line) => line.startsWith('{'))) {
          for (const file of (JSON.parse(document) as { files: GcovFile[] }).files) {
            const byLine = lines.get(file.file) ?? new Map();
            lines.set(file.file, byLine);
            for (const line of file.lines) {
              const known = byLine.get(line.line_number);
              const branches = line.branches.map((branch, index) => branch.count + (known?.branches[index] ?? 0));
              byLine.set(line.line_number, { count: line.count + (known?.count ?? 0), branches });
            }
            const byFunction = functions.get(file.file) ?? new Map();
            functions.set(file.file, byFunction);
            for (const fn of file.functions) byFunction.set(fn.name, (byFunction.get(fn.name) ?? 0) + fn.execution_count);
          }
        }
      }
      const files = [...lines].map(([file, byLine]) => {
        const all = [...byLine.values()];
        const branches = all.flatMap((line) => line.branches);
        const fns = [...(functions.get(file) ?? new Map<string, number>()).values()];
        return { file, lines: count(all.filter((line) => line.count > 0).length, all.length), branches: count(branches.filter((taken) => taken > 0).length, branches.length), functions: count(fns.filter((calls) => calls > 0).length, fns.length) };
      });
      const total = (key: 'lines' | 'branches' | 'functions'): CoverageCount => count(files.reduce((sum, file) => sum + file[key].covered, 0), files.reduce((sum, file) => sum + file[key].total, 0));
      return { tool: 'gcov', lines: total('lines'), branches: total('branches'), functions: total('functions'), files: files.sort((a, b) => (a.file < b.file ? -1 : 1)), html: null, problem: null };
    },
    dispose() {},
  };
}

/** Set up coverage for a run of `implementation` (programs run as `owner`, or as qfc). */
export function prepareCoverage(implementation: Implementation, owner: { uid: number; gid: number } | null): CoverageRun {
  return implementation.gcovDir === undefined ? v8Coverage(implementation, owner) : gcovCoverage(implementation.gcovDir, owner);
}
