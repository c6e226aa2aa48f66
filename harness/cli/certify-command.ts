/**
 * `qfc certify` and `qfc replay`: run cases against an implementation, write the report,
 * exit 0 when nothing failed (1 otherwise). With `--expect FILE`, the cases are compared with
 * the verdicts the project accepts, and only what is worse than accepted fails.
 */
import { spawnSync } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { join, resolve } from 'node:path';
import { bundledVersion } from './version.js';
import { referenceImplementation } from '../adapters/bundled-implementations.js';
import type { Implementation } from '../adapters/implementation.js';
import { prepareCoverage, type CoverageRun } from '../certify/implementation-coverage.js';
import { programFiles } from '../certify/program-files.js';
import { CERTIFICATE_FORMAT, ed25519PrivateKey, sha256, signCertificate, type CertificateBody } from '../reports/certificate.js';
import { renderBadge, renderCertificatePage } from '../reports/render-certificate.js';
import { writeFileAtomically } from '../reports/write-report.js';
import { CATALOGUE } from '../catalogue/index.js';
import type { CatalogueCase } from '../catalogue/catalogue-case.js';
import { certify, DEFAULT_MAX_TIMEOUTS, type Interruption } from '../certify/certify.js';
import { CONTRACT_VERSION } from '../adapters/contract-version.js';
import { describeContainment } from './describe-containment.js';
import { whileInterruptible } from './while-interruptible.js';
import { selectCases } from '../certify/select-cases.js';
import { readCorpus } from '../corpus/read-corpus.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { corpusDigest, describeImplementation, runFailed, summarize, type ResultsDocument } from '../reports/results-document.js';
import { compareWithExpectation, expectationFor, expectationsOf, parseExpectations, staleExpectations, type Expectation } from '../verdicts/expectations.js';
import { UsageError, type ParsedArguments } from './arguments.js';
import { checkPrograms, confinementOf, implementationOf, oracleOf, ownerOf, profileOf, publishReport, whole } from './implementation-options.js';
import { progressReporter } from './progress.js';

export const CERTIFY_FLAGS = ['--strict', '--keep-sandboxes', '--slow-path', '--no-sandbox', '--keep-going', '--certificate', '--coverage', '--help'];
export const CERTIFY_VALUES = ['--receiver', '--sender', '--impl', '--profile', '--only', '--out', '--jobs', '--uid', '--gid', '--time-limit', '--memory-limit', '--bind-ro', '--max-timeouts', '--oracle', '--expect', '--write-expectations', '--signing-key'];

export const CERTIFY_USAGE = `usage: qfc certify [--impl MANIFEST | --receiver CMD [--sender CMD] | --sender CMD]
                   [--profile default|allow-all-names|unsafe-symlinks] [--only ID|GLOB]... [--strict]
                   [--out DIR] [--jobs N] [--uid N [--gid N]] [--time-limit MS] [--memory-limit MIB] [--bind-ro PATH]...
                   [--oracle spec|upstream] [--max-timeouts K | --keep-going] [--no-sandbox] [--keep-sandboxes] [--slow-path]
                   [--expect FILE] [--write-expectations FILE] [--certificate [--signing-key ED25519.pem]] [--coverage]
  With no implementation, certifies the bundled reference pair. See INTERPRETING.md.`;

export const REPLAY_USAGE = `usage: qfc replay [PATH...] [--impl MANIFEST | --receiver CMD] [--only ID|GLOB]... [--strict]
                  [--out DIR] [--jobs N] [--uid N [--gid N]] [--time-limit MS] [--memory-limit MIB] [--bind-ro PATH]...
                  [--oracle spec|upstream] [--max-timeouts K | --keep-going] [--no-sandbox] [--expect FILE] [--write-expectations FILE] [--coverage]
  Runs the corpus (default: corpus/), or the given .qfc files and directories, against a receiver.`;

/** The expectations file at `path`, checked against every case the suite has (not only those selected). */
function readExpectations(path: string, cases: readonly CatalogueCase[]): { path: string; entries: readonly Expectation[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--expect ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const parsed = parseExpectations(text);
  if (!parsed.ok) throw new UsageError(`--expect ${path}: ${parsed.problem}`);
  const stale = staleExpectations(parsed.entries, cases);
  if (stale.length > 0) throw new UsageError(`--expect ${path}: ${stale.length} ${stale.length === 1 ? 'entry names' : 'entries name'} no case of this suite (remove or update them): ${stale.join(', ')}`);
  return { path, entries: parsed.entries };
}

/** Each case with its expectation and outcome, and the document's summary of them. */
function withExpectations(document: ResultsDocument, entries: readonly Expectation[], file: string): ResultsDocument {
  const cases = document.cases.map((result) => ({ ...result, expectation: compareWithExpectation(result.verdict, expectationFor(entries, result), document.run.strict) }));
  const named = (outcome: string): string[] => cases.filter((result) => result.expectation.outcome === outcome).map((result) => `${result.category}/${result.id}`);
  return {
    ...document,
    cases,
    expectations: { file, expected: named('expected').length, better: named('better'), worse: named('worse'), unexpected: named('unexpected'), changed: named('changed') },
  };
}

function describeExpectations(summary: NonNullable<ResultsDocument['expectations']>): string {
  const list = (ids: readonly string[]): string => (ids.length <= 8 ? ids.join(', ') : `${ids.slice(0, 8).join(', ')} and ${ids.length - 8} more`);
  return (
    `expectations ${summary.file}: ${summary.expected} as expected` +
    (summary.better.length === 0 ? '' : `; ${summary.better.length} unexpectedly better, update the expectations: ${list(summary.better)}`) +
    (summary.worse.length === 0 ? '' : `; ${summary.worse.length} worse than expected: ${list(summary.worse)}`) +
    (summary.unexpected.length === 0 ? '' : `; ${summary.unexpected.length} new ${summary.unexpected.length === 1 ? 'failure' : 'failures'}: ${list(summary.unexpected)}`) +
    (summary.changed.length === 0 ? '' : `; ${summary.changed.length} skipped or run where the other was expected: ${list(summary.changed)}`) +
    '\n'
  );
}

/** `--write-expectations FILE`: today's outcome as a starting file (never half-written). */
function writeExpectationsFile(path: string, results: ResultsDocument['cases']): void {
  const text = `${JSON.stringify({ $comment: 'qfc expectations: the verdict accepted for each case that does not pass, and why (INTERPRETING.md §4). Review every reason.', ...expectationsOf(results, new Date().toISOString().slice(0, 10)) }, null, 2)}\n`;
  try {
    writeFileAtomically(path, text);
  } catch (error) {
    throw new UsageError(`--write-expectations ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** `--signing-key FILE`: an Ed25519 private key, read before anything runs. */
function readSigningKey(path: string | undefined): KeyObject | null {
  if (path === undefined) return null;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--signing-key ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const key = ed25519PrivateKey(pem);
  if (typeof key === 'string') throw new UsageError(`--signing-key ${path}: ${key}`);
  return key;
}

/** The certificate of a published run, written beside its report with its page and badge. */
function writeCertificate(out: string, document: ResultsDocument, implementation: Implementation, sources: CaseSources, selected: readonly CatalogueCase[], signingKey: KeyObject | null): string {
  const fromCatalogue = new Set(sources.catalogue);
  const bwrap = spawnSync('bwrap', ['--version'], { encoding: 'utf8' });
  const { summary } = document;
  const body: CertificateBody = {
    format: CERTIFICATE_FORMAT,
    suite: {
      name: document.suite.name,
      version: document.suite.version,
      contract: document.suite.contract,
      catalogueDigest: corpusDigest(selected.filter((testCase) => fromCatalogue.has(testCase))),
      corpusDigest: corpusDigest(selected.filter((testCase) => !fromCatalogue.has(testCase))),
    },
    implementation: {
      name: implementation.name,
      receiver: document.implementation.receiver,
      sender: document.implementation.sender,
      openInVm: document.implementation.openInVm,
      profile: document.implementation.profile,
      programs: programFiles([implementation.receiver?.argv, implementation.sender?.argv, implementation.openInVm?.client, implementation.openInVm?.server].filter((argv): argv is readonly string[] => argv !== undefined)),
    },
    machine: { kernel: release(), bubblewrap: bwrap.status === 0 ? bwrap.stdout.trim() : null, node: process.version, arch: process.arch },
    sandbox: document.implementation.sandbox,
    summary,
    strict: document.run.strict,
    conforming: summary.fail === 0 && summary.error === 0 && !(document.run.strict && summary.nonStrict > 0),
    date: document.run.startedAt,
    results: { file: 'results.json', sha256: sha256(readFileSync(join(out, 'results.json'))) },
  };
  const certificate = signingKey === null ? body : signCertificate(body, signingKey);
  writeFileAtomically(join(out, 'certificate.json'), `${JSON.stringify(certificate, null, 2)}\n`);
  writeFileAtomically(join(out, 'certificate.html'), renderCertificatePage(certificate));
  writeFileAtomically(join(out, 'badge.svg'), renderBadge(certificate));
  return join(out, 'certificate.json');
}

/** Which cases come from the catalogue and which from the corpus (their digests are certified apart). */
interface CaseSources {
  readonly catalogue: readonly CatalogueCase[];
  readonly corpus: readonly CatalogueCase[];
}

/** Run `cases` and write the report; returns the exit status. */
async function runAndReport(args: ParsedArguments, sources: CaseSources, commandLine: string): Promise<number> {
  const cases = [...sources.catalogue, ...sources.corpus];
  const implementation = implementationOf(args);
  checkPrograms(implementation);
  const owner = ownerOf(args);
  const profile = profileOf(args);
  const strict = args.flag('--strict');
  const jobs = whole(args.value('--jobs'), '--jobs', 1) ?? 2;
  const selected = selectCases(cases, { only: args.values('--only'), profile, strict });
  if (selected.length === 0) throw new UsageError('no case matches --only/--profile');
  const maxTimeouts = args.flag('--keep-going') ? 0 : (whole(args.value('--max-timeouts'), '--max-timeouts', 1) ?? DEFAULT_MAX_TIMEOUTS);
  if (args.flag('--keep-going') && args.value('--max-timeouts') !== undefined) throw new UsageError('--keep-going and --max-timeouts cannot be combined');
  const signingKey = readSigningKey(args.value('--signing-key'));
  if (signingKey !== null && !args.flag('--certificate')) throw new UsageError('--signing-key signs a certificate: add --certificate');
  const expectFile = args.value('--expect');
  const expectations = expectFile === undefined ? null : readExpectations(resolve(expectFile), cases);
  const confinement = confinementOf(args);
  const reference = referenceImplementation();
  const containment = await describeContainment(implementation, reference, confinement, owner);
  const interruption: Interruption = { signal: null };
  let coverage: CoverageRun | null = null;
  if (args.flag('--coverage')) {
    try {
      coverage = prepareCoverage(implementation, owner);
    } catch (error) {
      throw new UsageError(`--coverage: ${(error as Error).message}`);
    }
  }
  try {
    return await runCoveredAndReport(args, sources, selected, commandLine, { implementation, owner, profile, strict, jobs, maxTimeouts, expectations, confinement, reference, containment, interruption, coverage, signingKey });
  } finally {
    coverage?.dispose();
  }
}

/** What runAndReport settled before running. */
interface RunPlan {
  readonly implementation: Implementation;
  readonly owner: ReturnType<typeof ownerOf>;
  readonly profile: ReturnType<typeof profileOf>;
  readonly strict: boolean;
  readonly jobs: number;
  readonly maxTimeouts: number;
  readonly expectations: { path: string; entries: readonly Expectation[] } | null;
  readonly confinement: ReturnType<typeof confinementOf>;
  readonly reference: Implementation;
  readonly containment: Awaited<ReturnType<typeof describeContainment>>;
  readonly interruption: Interruption;
  readonly coverage: CoverageRun | null;
  readonly signingKey: KeyObject | null;
}

async function runCoveredAndReport(args: ParsedArguments, sources: CaseSources, selected: readonly CatalogueCase[], commandLine: string, plan: RunPlan): Promise<number> {
  const { implementation, owner, profile, strict, jobs, maxTimeouts, expectations, confinement, reference, containment, interruption, coverage, signingKey } = plan;
  const run = await whileInterruptible(interruption, () =>
    certify({
      implementation,
      reference,
      cases: selected,
      jobs,
      confinement,
      owner,
      keepSandboxes: args.flag('--keep-sandboxes'),
      slowPath: args.flag('--slow-path'),
      maxTimeouts,
      oracle: oracleOf(args),
      interruption,
      onResult: progressReporter(),
      coverage: coverage?.collection ?? null,
    }),
  );
  const document: ResultsDocument = {
    suite: { name: 'qfc', version: bundledVersion(), corpusDigest: corpusDigest(selected), contract: CONTRACT_VERSION },
    implementation: describeImplementation(implementation, profile ?? 'all', containment.line),
    summary: summarize(run.results),
    run: {
      startedAt: run.startedAt,
      ms: run.ms,
      strict,
      jobs,
      uid: owner?.uid ?? process.getuid?.() ?? 0,
      command: commandLine,
      containment: containment.facts,
      ...(run.stoppedEarly === null ? {} : { stoppedEarly: run.stoppedEarly }),
      ...(run.cleanupProblems.length === 0 ? {} : { cleanupProblems: run.cleanupProblems }),
    },
    cases: run.results,
  };
  const withGate = expectations === null ? document : withExpectations(document, expectations.entries, expectations.path);
  let out = publishReport(withGate, args.value('--out'));
  // The coverage view goes into the report directory, known only once it is written.
  const judged: ResultsDocument = coverage === null ? withGate : { ...withGate, coverage: coverage.finish(out) };
  if (coverage !== null) out = publishReport(judged, out);
  const written = args.value('--write-expectations');
  if (written !== undefined) writeExpectationsFile(resolve(written), run.results);
  const certificate = args.flag('--certificate') ? writeCertificate(out, judged, implementation, sources, selected, signingKey) : null;
  const { summary } = document;
  process.stdout.write(
    `qfc certify: ${implementation.name}: ${summary.total} cases: ${summary.pass} pass, ${summary.fail} fail, ${summary.nonStrict} non-strict, ${summary.info} info, ${summary.error} error, ${summary.skipped} skipped (${(run.ms / 1000).toFixed(1)} s, sandbox: ${document.implementation.sandbox})\n` +
      `report: ${join(out, 'index.html')}\n`,
  );
  if (judged.expectations !== undefined) process.stdout.write(describeExpectations(judged.expectations));
  if (written !== undefined) process.stdout.write(`expectations written: ${resolve(written)}\n`);
  if (certificate !== null) process.stdout.write(`certificate: ${certificate}${signingKey === null ? ' (not signed: --signing-key KEY.pem signs it)' : ''}\n`);
  if (args.flag('--keep-sandboxes')) process.stdout.write(`sandboxes kept in ${run.sandboxBase}\n`);
  if (run.stoppedEarly !== null) process.stderr.write(`qfc: the run stopped early: ${run.stoppedEarly}\n`);
  if (interruption.signal !== null) return interruption.signal === 'SIGINT' ? 130 : 143;
  return runFailed(judged) ? 1 : 0;
}

export function certifyCommand(args: ParsedArguments, commandLine: string): Promise<number> {
  if (args.positional.length > 0) throw new UsageError(`qfc certify takes no positional argument ('${args.positional[0]}'); see qfc certify --help`);
  const corpus = readCorpus([join(PACKAGE_ROOT, 'corpus')], PACKAGE_ROOT);
  if (corpus.problems.length > 0) throw new UsageError(`the corpus has problems: ${corpus.problems[0]} (and ${corpus.problems.length - 1} more)`);
  return runAndReport(args, { catalogue: CATALOGUE, corpus: corpus.cases }, commandLine);
}

export function replayCommand(args: ParsedArguments, commandLine: string): Promise<number> {
  if (args.value('--sender') !== undefined) throw new UsageError('qfc replay runs receivers: use --receiver or --impl');
  const paths = args.positional.length > 0 ? args.positional.map((path) => resolve(path)) : [join(PACKAGE_ROOT, 'corpus')];
  for (const path of paths) if (!existsSync(path)) throw new UsageError(`no such file or directory: ${path}`);
  const corpus = readCorpus(paths, process.cwd());
  if (corpus.problems.length > 0) throw new UsageError(corpus.problems[0]!);
  if (corpus.cases.length === 0) throw new UsageError('no corpus case (.qfc with its .json) under the given paths');
  return runAndReport(args, { catalogue: [], corpus: corpus.cases }, commandLine);
}
