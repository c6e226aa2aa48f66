/**
 * `qfc selftest [--only ID]... [--fuzz-runs N] [--jobs N] [--out DIR]`: measure the
 * catalogue's power on the seeded-bug mutants (implementations/mutants/). Every mutant is
 * built from the reference's source and certified on its program's catalogue cases (receiver,
 * sender or OpenInVM cases: it measures the catalogue, so the corpus is left out), beside the reference
 * itself; the kill matrix (kill-matrix.json, .md, .html), each run's report and a matrix of
 * every run go into DIR. With --fuzz-runs, each receiver mutant is also fuzzed (pbt, seed 1,
 * one lane) for at most N runs. Exit 0 when every mutant is killed for its clause, 1 when
 * one survives (or is killed only through another clause), 2 on bad usage or a stale mutant.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MUTANTS, type Mutant } from '../../implementations/mutants/mutants.js';
import { referenceImplementation } from '../adapters/bundled-implementations.js';
import type { Implementation } from '../adapters/implementation.js';
import { CONTRACT_VERSION } from '../adapters/contract-version.js';
import { CATALOGUE } from '../catalogue/index.js';
import type { CatalogueCase } from '../catalogue/catalogue-case.js';
import { certify } from '../certify/certify.js';
import { PROPERTIES } from '../engines/pbt/properties.js';
import { runReceiverCampaign } from '../engines/pbt/receiver-campaign.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { renderMatrixHtml, renderMatrixMarkdown } from '../reports/render-matrix.js';
import { corpusDigest, describeImplementation, summarize, type ResultsDocument } from '../reports/results-document.js';
import { buildMatrix } from '../reports/results-matrix.js';
import { renderReport, writeFileAtomically, writeReport } from '../reports/write-report.js';
import { bwrapAvailable } from '../sandbox/run-contained.js';
import { buildMutant, StaleMutant } from '../selftest/build-mutant.js';
import { killMatrix, mutantKill, renderKillMatrixHtml, renderKillMatrixMarkdown, type MutantKill } from '../selftest/kill-matrix.js';
import { UsageError, type ParsedArguments } from './arguments.js';
import { whole } from './implementation-options.js';
import { bundledVersion } from './version.js';

export const SELFTEST_USAGE = 'usage: qfc selftest [--only MUTANT]... [--fuzz-runs N] [--jobs N] [--out DIR]';
export const SELFTEST_FLAGS = ['--help'];
export const SELFTEST_VALUES = ['--only', '--fuzz-runs', '--jobs', '--out'];

/** The catalogue cases that judge a program: the two OpenInVM programs are judged together, by the editor cases. */
const CASE_KIND: Readonly<Record<Mutant['program'], CatalogueCase['kind']>> = { receiver: 'receiver', sender: 'sender', 'editor-server': 'editor', 'editor-client': 'editor' };

/** The reference with one program replaced by a mutant's. */
function mutantImplementation(mutant: Mutant, program: string): Implementation {
  const reference = referenceImplementation();
  const argv = [process.execPath, program];
  const replaced: Record<Mutant['program'], Partial<Implementation>> = {
    receiver: { receiver: { ...reference.receiver!, argv } },
    sender: { sender: { ...reference.sender!, argv } },
    'editor-server': { openInVm: { ...reference.openInVm!, server: argv } },
    'editor-client': { openInVm: { ...reference.openInVm!, client: argv } },
  };
  return { ...reference, name: `mutant ${mutant.id}`, ...replaced[mutant.program] };
}

/** Certify `implementation` on `cases` and write its report in `out`; the document. */
async function certifyInto(implementation: Implementation, cases: readonly CatalogueCase[], jobs: number, out: string, command: string): Promise<ResultsDocument> {
  const run = await certify({ implementation, reference: referenceImplementation(), cases, jobs, confinement: bwrapAvailable() ? 'bwrap' : 'none', owner: null, keepSandboxes: false });
  const document: ResultsDocument = {
    suite: { name: 'qfc', version: bundledVersion(), corpusDigest: corpusDigest(cases), contract: CONTRACT_VERSION },
    implementation: describeImplementation(implementation, 'all', bwrapAvailable() ? 'bubblewrap' : 'UNCONFINED (no bwrap)'),
    summary: summarize(run.results),
    run: { startedAt: run.startedAt, ms: run.ms, strict: false, jobs, uid: process.getuid?.() ?? 0, command, ...(run.stoppedEarly === null ? {} : { stoppedEarly: run.stoppedEarly }) },
    cases: run.results,
  };
  writeReport(out, renderReport(document));
  return document;
}

export async function selftestCommand(args: ParsedArguments, commandLine: string): Promise<number> {
  if (args.positional.length > 0) throw new UsageError(SELFTEST_USAGE);
  const only = args.values('--only');
  for (const id of only) if (!MUTANTS.some((mutant) => mutant.id === id)) throw new UsageError(`--only: no mutant '${id}' (qfc selftest --help; the mutants are in implementations/mutants/mutants.ts)`);
  const mutants = only.length === 0 ? MUTANTS : MUTANTS.filter((mutant) => only.includes(mutant.id));
  const fuzzRuns = whole(args.value('--fuzz-runs'), '--fuzz-runs', 1);
  const jobs = whole(args.value('--jobs'), '--jobs', 1) ?? 2;
  const out = resolve(args.value('--out') ?? join(PACKAGE_ROOT, 'reports', `selftest-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  mkdirSync(out, { recursive: true });
  const casesOf = (kind: CatalogueCase['kind']): CatalogueCase[] => CATALOGUE.filter((testCase) => testCase.kind === kind);

  // Every mutant is built first: a stale patch stops the selftest before anything runs.
  const programs = new Map<string, string>();
  for (const mutant of mutants) {
    try {
      programs.set(mutant.id, await buildMutant(mutant));
    } catch (error) {
      if (error instanceof StaleMutant) throw new UsageError(error.message);
      throw error;
    }
  }
  const kindsUsed = [...new Set(mutants.map((mutant) => CASE_KIND[mutant.program]))];
  const reference = new Map<string, ResultsDocument>();
  for (const kind of kindsUsed) {
    process.stderr.write(`qfc selftest: the reference (${kind} cases)\n`);
    reference.set(kind, await certifyInto(referenceImplementation(), casesOf(kind), jobs, join(out, `reference-${kind}`), commandLine));
  }
  const rows: MutantKill[] = [];
  const documents = new Map<string, ResultsDocument>();
  for (const mutant of mutants) {
    const implementation = mutantImplementation(mutant, programs.get(mutant.id)!);
    const document = await certifyInto(implementation, casesOf(CASE_KIND[mutant.program]), jobs, join(out, mutant.id), commandLine);
    documents.set(mutant.id, document);
    let runs: number | null | undefined;
    if (fuzzRuns !== undefined && mutant.program === 'receiver') {
      const { findings } = await runReceiverCampaign({ implementation, properties: new Set(PROPERTIES.map((property) => property.id).filter((id) => id !== 'baseline')) }, { seed: 1, runs: fuzzRuns, ms: null, jobs: 1, keepGoing: false, shrinkMs: 1 });
      runs = findings[0]?.runsToFind ?? null;
    }
    const row = mutantKill(mutant, document.cases, reference.get(CASE_KIND[mutant.program])!.cases, `${mutant.id}/index.html`, runs);
    rows.push(row);
    process.stderr.write(`qfc selftest: ${mutant.id}: ${row.forExpectedClause ? 'killed' : row.killed ? 'killed through another clause' : 'SURVIVED'} (${row.cases.length} cases)${runs === undefined ? '' : `, pbt: ${runs === null ? 'no finding' : `${runs} runs`}`}\n`);
  }
  const matrix = killMatrix(rows);
  writeFileAtomically(join(out, 'kill-matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
  writeFileAtomically(join(out, 'kill-matrix.md'), renderKillMatrixMarkdown(matrix));
  writeFileAtomically(join(out, 'index.html'), renderKillMatrixHtml(matrix));
  const runsSideBySide = buildMatrix([...kindsUsed.map((kind) => ({ document: reference.get(kind)!, page: `reference-${kind}/index.html` })), ...rows.map((row) => ({ document: documents.get(row.id)!, page: `${row.id}/index.html` }))]);
  writeFileAtomically(join(out, 'matrix.html'), renderMatrixHtml(runsSideBySide));
  writeFileAtomically(join(out, 'matrix.md'), renderMatrixMarkdown(runsSideBySide));
  const { score } = matrix;
  process.stdout.write(`qfc selftest: ${score.forExpectedClause} of ${score.total} mutants killed for their clause, ${score.killed} killed at all\nreport: ${join(out, 'index.html')}\n`);
  return score.forExpectedClause === score.total ? 0 : 1;
}
