/**
 * `qfc fuzz`: a campaign against an implementation (default: the bundled reference pair,
 * run in-process) with either engine — `pbt` (fast-check; `--replay seed:path` of one of
 * its inputs) or `jazzer` (Jazzer.js/libFuzzer, coverage-guided; `--replay FILE` of one of
 * its inputs) — with the same options, report, corpus saving and exit statuses.
 *
 * Exit status as certify: 0 when nothing failed, 1 when a property broke (each finding is
 * shrunk and saved in the corpus first) or the harness failed on an input, 2 for bad
 * usage, 130 when interrupted before anything was found. Ctrl-C stops the campaign,
 * keeps what was found (a shrink in progress keeps its smallest input so far) and still
 * writes the report; a second Ctrl-C quits at once.
 */
import { randomInt } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { CONTRACT_VERSION } from '../adapters/contract-version.js';
import { loadReceiverModule, ReceiverModuleError, type UnpackFunction } from '../adapters/receiver-module.js';
import { CATALOGUE } from '../catalogue/index.js';
import { JazzerEngineError, runJazzerCampaign, type LibFuzzerSummary } from '../engines/jazzer/jazzer-campaign.js';
import { JazzerRuntimeError } from '../engines/jazzer/compat-runtime.js';
import { decodeFuzzInput, type InputMode } from '../engines/jazzer/fuzz-input-codec.js';
import { replayInput, runCampaign, type CampaignResult, type CampaignStatistics, type Finding } from '../engines/pbt/campaign.js';
import { describeStream } from '../engines/pbt/describe-stream.js';
import type { ReportedFinding } from '../engines/pbt/fuzz-report.js';
import { publishFuzzReport } from '../engines/pbt/publish-fuzz-report.js';
import { runInput, type InputRun } from '../engines/pbt/run-input.js';
import { saveFinding } from '../engines/pbt/save-finding.js';
import { shellWord } from '../engines/pbt/shell-word.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { describeImplementation } from '../reports/results-document.js';
import { stopAllContained } from '../sandbox/run-contained.js';
import { UsageError, type ParsedArguments } from './arguments.js';
import { describeContainment } from './describe-containment.js';
import { setUpFuzz, tearDownFuzz, type CampaignSetup } from './fuzz-setup.js';
import { implementationOf, publishReport, whole } from './implementation-options.js';
import { bundledVersion } from './version.js';

export const FUZZ_USAGE = `usage: qfc fuzz [--engine pbt|jazzer] [--seconds N | --runs N] [--seed S] [--impl MANIFEST | --receiver CMD [--sender CMD] | --sender CMD]
                [--process] [--profile default|allow-all-names|unsafe-symlinks] [--property round-trip|differential|invariants]...
                [--jobs N] [--strict] [--keep-going] [--shrink-seconds N] [--corpus DIR] [--out DIR]
                [--uid N [--gid N]] [--time-limit MS] [--memory-limit MIB] [--bind-ro PATH]... [--oracle spec|upstream] [--baseline-receiver CMD] [--no-sandbox] [--slow-path]
                [jazzer: --corpus-dir DIR] [--dict FILE] [--input structured|raw]]
       qfc fuzz --replay SEED:PATH [the same implementation, --process, --profile, --property, --strict and --uid options]
       qfc fuzz --engine jazzer --replay FILE [the same options, and --input]
  Without an implementation, fuzzes the bundled reference pair in-process (--process: as programs in the sandbox).
  Stops at the first failure, shrinks it and saves it in the corpus (--keep-going: collects distinct ones).`;

const DEFAULT_SECONDS = 60;
const DEFAULT_SHRINK_SECONDS = 60;
const PROGRESS_EVERY_MS = 10_000;

/** The options that decide what a campaign draws and how it judges: a replay needs the same. */
function sameInputOptions(args: ParsedArguments): string[] {
  const words: string[] = [];
  for (const name of ['--impl', '--receiver', '--sender', '--profile', '--uid', '--gid', '--time-limit', '--memory-limit', '--oracle', '--baseline-receiver']) {
    const value = args.value(name);
    if (value !== undefined) words.push(name, value);
  }
  for (const path of args.values('--bind-ro')) words.push('--bind-ro', path);
  for (const property of args.values('--property')) words.push('--property', property);
  for (const flag of ['--process', '--strict', '--no-sandbox']) if (args.flag(flag)) words.push(flag);
  return words;
}

/** The options of `qfc replay FILE` that run a stream against the same implementation the same way. */
function streamReplayOptions(args: ParsedArguments): string[] {
  const words: string[] = [];
  for (const name of ['--impl', '--receiver', '--uid', '--gid', '--time-limit', '--memory-limit', '--oracle']) {
    const value = args.value(name);
    if (value !== undefined) words.push(name, value);
  }
  for (const path of args.values('--bind-ro')) words.push('--bind-ro', path);
  for (const flag of ['--strict', '--no-sandbox']) if (args.flag(flag)) words.push(flag);
  return words;
}

function seedOf(args: ParsedArguments): number {
  const given = args.value('--seed');
  if (given === undefined) return randomInt(0, 0x7fff_ffff);
  if (!/^-?\d{1,10}$/.test(given) || Math.abs(Number(given)) > 0x7fff_ffff) throw new UsageError(`--seed takes a whole number between -2147483647 and 2147483647, not '${given}'`);
  return Number(given);
}

function replayTarget(value: string): { seed: number; path: string } {
  const match = /^(-?\d{1,10}):(\d+(?::\d+)*)$/.exec(value);
  if (match === null || Math.abs(Number(match[1])) > 0x7fff_ffff) throw new UsageError(`--replay takes SEED:PATH as printed with a finding (e.g. 1234:5:0:1), not '${value}'`);
  return { seed: Number(match[1]), path: match[2]! };
}

/** Progress on stderr: a line redrawn in place on a terminal, a plain line every ten seconds otherwise. */
function progress(budget: string): (statistics: CampaignStatistics, final?: boolean, coverage?: string) => void {
  const stream = process.stderr;
  let last = 0;
  const started = Date.now();
  return (statistics, final = false, coverage = '') => {
    const now = Date.now();
    if (!final && now - last < (stream.isTTY ? 250 : PROGRESS_EVERY_MS)) return;
    last = now;
    const seconds = (now - started) / 1000;
    const { verdicts } = statistics;
    const line = `${seconds.toFixed(0)} s of ${budget}: ${statistics.runs} runs, ${(statistics.execs / Math.max(seconds, 0.001)).toFixed(0)} execs/s; pass ${verdicts.pass}, fail ${verdicts.fail}, non-strict ${verdicts['non-strict']}, error ${verdicts.error}${coverage}`;
    if (stream.isTTY) stream.write(`\r\u001b[K${line}${final ? '\n' : ''}`);
    else if (!final) stream.write(`${line}\n`);
  };
}

function printFinding(reported: ReportedFinding): void {
  const { finding, saved, replay } = reported;
  const first = finding.run.result.violations[0];
  const lines = [
    '',
    `FOUND: property ${finding.property} broken after ${finding.runsToFind} ${finding.runsToFind === 1 ? 'run' : 'runs'}, ${(finding.msToFind / 1000).toFixed(1)} s (shrunk in ${(finding.msToShrink / 1000).toFixed(1)} s, ${finding.shrinks} steps)`,
    `  ${first === undefined ? (finding.run.result.notes[0] ?? finding.run.result.verdict) : `${first.clause}: ${first.detail}`}`,
    '  minimal stream:',
    ...describeStream(finding.run.stream).map((line) => `    ${line}`),
    saved.saved ? `  ${saved.added ? 'saved' : 'already in the corpus'}: ${saved.path}` : `  not saved: ${saved.why}`,
    `  replay: ${replay}`,
    '',
  ];
  process.stderr.write(`${process.stderr.isTTY ? '\r\u001b[K' : ''}${lines.join('\n')}\n`);
}

/** What an engine-specific replay found: the input and its judged run. */
function printReplay(input: { kind: string; family?: string; settings?: { profile: string } }, run: InputRun): number {
  const lines = [
    `input: ${input.kind === 'tree' ? 'a source tree for a round trip' : `a ${input.family} stream, profile ${input.settings!.profile}`}`,
    `verdict: ${run.result.verdict}${run.property === null ? '' : `, property ${run.property} broken`}`,
    ...run.result.violations.map((violation) => `  ${violation.clause}: ${violation.detail}`),
    ...run.result.notes.map((note) => `  note: ${note}`),
    'stream:',
    ...describeStream(run.stream).map((line) => `  ${line}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return run.property === null ? 0 : 1;
}

async function replay(setup: CampaignSetup, target: { seed: number; path: string }): Promise<number> {
  const replayed = await replayInput(setup.shape, target.seed, target.path, setup.runner);
  if (replayed === null) throw new UsageError(`--replay ${target.seed}:${target.path} leads to no input (were the options the same as the campaign's?)`);
  return printReplay(replayed.input, replayed.run);
}

/** `--engine jazzer --replay FILE`: the input file decoded as the campaign decoded it, run once. */
async function replayFile(setup: CampaignSetup, path: string, mode: InputMode): Promise<number> {
  let data: Uint8Array;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new UsageError(`--replay ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const input = decodeFuzzInput(data, setup.shape, mode);
  return printReplay(input, await runInput(input, setup.runner));
}

/** `--input`: how Jazzer.js inputs are read. */
function inputModeOf(args: ParsedArguments): InputMode {
  const mode = args.value('--input') ?? 'structured';
  if (mode !== 'structured' && mode !== 'raw') throw new UsageError(`--input is structured or raw, not '${mode}'`);
  return mode;
}

/**
 * libFuzzer's working corpus: `--corpus-dir`, or one per implementation and input mode in
 * the git-ignored cache (inputs of one mode mean nothing in the other).
 */
function corpusDirOf(args: ParsedArguments, setup: CampaignSetup, mode: InputMode): string {
  const given = args.value('--corpus-dir');
  if (given !== undefined) return resolve(given);
  const identity = JSON.stringify([setup.implementation.receiver?.argv ?? null, setup.implementation.sender?.argv ?? null, setup.profile, mode, setup.inProcess]);
  const slug = setup.implementation.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'implementation';
  return join(PACKAGE_ROOT, '.cache', 'jazzer-corpus', `${slug}-${createHash('sha256').update(identity).digest('hex').slice(0, 12)}-${mode}`);
}

async function campaign(args: ParsedArguments, setup: CampaignSetup, commandLine: string, engine: 'pbt' | 'jazzer', receiverModule: string | null): Promise<number> {
  const secondsGiven = whole(args.value('--seconds'), '--seconds', 1);
  const runs = whole(args.value('--runs'), '--runs', 1) ?? null;
  if (secondsGiven !== undefined && runs !== null) throw new UsageError('--seconds and --runs cannot be combined');
  const ms = runs !== null ? null : (secondsGiven ?? DEFAULT_SECONDS) * 1000;
  const seed = seedOf(args);
  const mode = inputModeOf(args);
  const dictionary = args.value('--dict') === undefined ? null : resolve(args.value('--dict')!);
  if (dictionary !== null && !(existsSync(dictionary) && statSync(dictionary).isFile())) throw new UsageError(`--dict ${dictionary}: not a file`);
  const corpusDirJazzer = engine === 'jazzer' ? corpusDirOf(args, setup, mode) : null;
  if (corpusDirJazzer !== null) {
    try {
      mkdirSync(corpusDirJazzer, { recursive: true });
      accessSync(corpusDirJazzer, constants.W_OK);
    } catch (error) {
      throw new UsageError(`--corpus-dir ${corpusDirJazzer}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  // Programs in the sandbox: what they run as is probed from inside, as for certify.
  const containment = setup.inProcess ? null : await describeContainment(setup.implementation, setup.runner.settings.reference, setup.runner.settings.confinement, setup.owner);
  const moduleLine = receiverModule === null ? null : `receiver module ${receiverModule} in-process (UNCONFINED: it runs inside qfc's fuzzing workers)`;
  const jobs = whole(args.value('--jobs'), '--jobs', 1) ?? (engine === 'jazzer' ? 1 : 2);
  const shrinkMs = (whole(args.value('--shrink-seconds'), '--shrink-seconds', 1) ?? DEFAULT_SHRINK_SECONDS) * 1000;
  const corpusDir = resolve(args.value('--corpus') ?? join(PACKAGE_ROOT, 'corpus'));
  const takenIds = new Set(CATALOGUE.map((testCase) => testCase.id));
  const inputWords = [...sameInputOptions(args), ...(engine === 'jazzer' && mode === 'raw' ? ['--input', 'raw'] : [])];
  const replayPrefix = ['qfc', 'fuzz', '--engine', engine, ...inputWords].map(shellWord).join(' ');
  const locator = (finding: Finding): string => (engine === 'pbt' ? `${finding.seed}:${finding.path}` : shellWord(finding.path));
  const budget = runs === null ? `${ms! / 1000} s` : `${runs} runs`;
  process.stderr.write(
    `qfc fuzz: ${engine}, ${setup.implementation.name} (${setup.inProcess ? 'in-process' : moduleLine ?? `process, sandbox: ${setup.runner.settings.confinement}`}), seed ${seed}, ${budget}, ${jobs} ${engine === 'jazzer' ? 'workers' : 'jobs'}, properties ${[...setup.runner.properties].join(', ')}\n` +
      (corpusDirJazzer === null ? '' : `qfc fuzz: libFuzzer corpus ${corpusDirJazzer}, ${mode} inputs\n`),
  );

  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    if (interrupts > 1) {
      stopAllContained();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    process.stderr.write(`\nqfc fuzz: interrupted (${signal}): stopping the programs and writing the report (again to quit at once)\n`);
    controller.abort();
    // A CI job's time-out gives little time: the programs in flight are stopped, not awaited.
    if (signal === 'SIGTERM') stopAllContained();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  const show = progress(budget);
  const reported: ReportedFinding[] = [];
  const startedAt = new Date().toISOString();
  const onFinding = (finding: Finding): void => {
    const replayCommand = `${replayPrefix} --replay ${locator(finding)}`;
    const provenance = engine === 'pbt' ? null : `qfc fuzz --engine jazzer, property ${finding.property}, input ${finding.path}, libFuzzer corpus ${corpusDirJazzer}`;
    const saved = saveFinding(finding, corpusDir, replayCommand, takenIds, provenance);
    if (saved.saved) takenIds.add(saved.id);
    const entry = { finding, saved, replay: replayCommand };
    reported.push(entry);
    printFinding(entry);
  };
  let result: CampaignResult;
  let libFuzzer: LibFuzzerSummary | null = null;
  try {
    if (engine === 'pbt') {
      result = await runCampaign({ runner: setup.runner, shape: setup.shape, seed, runs, ms, jobs, keepGoing: args.flag('--keep-going'), shrinkMs, signal: controller.signal, onRun: (_run, statistics) => show(statistics), onFinding });
    } else {
      const jazzer = await runJazzerCampaign({
        setup,
        workerArgs: [...inputWords, ...(args.flag('--slow-path') ? ['--slow-path'] : [])],
        seed,
        runs,
        ms,
        jobs,
        keepGoing: args.flag('--keep-going'),
        shrinkMs,
        corpusDir: corpusDirJazzer!,
        inputsDir: join(dirname(corpusDirJazzer!), `${basename(corpusDirJazzer!)}-inputs`),
        dictionary,
        mode,
        receiverModule,
        signal: controller.signal,
        onProgress: (statistics, status) => show(statistics, false, `; libFuzzer ${status.edges} edges, corpus ${status.corpus}`),
        onFinding,
        log: (line) => process.stderr.write(`qfc fuzz: ${line}\n`),
      });
      result = jazzer;
      libFuzzer = jazzer.libFuzzer;
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
  show(result.statistics, true);

  const { document, out } = publishFuzzReport(
    {
      engine,
      campaign: result,
      findings: reported,
      suite: { name: 'qfc', version: bundledVersion(), corpusDigest: `fuzz campaign, seed ${seed}`, contract: CONTRACT_VERSION },
      implementation: describeImplementation(setup.implementation, setup.profile, moduleLine ?? containment?.line ?? 'none (in-process: the bundled reference runs inside qfc)'),
      run: { startedAt, ms: result.statistics.ms, strict: setup.runner.strict, jobs, uid: setup.owner?.uid ?? process.getuid?.() ?? 0, command: commandLine, ...(containment === null ? {} : { containment: containment.facts }) },
      execution: setup.inProcess || receiverModule !== null ? 'in-process' : 'process',
      seed,
      properties: [...setup.runner.properties],
      roundTrips: setup.shape.roundTrips,
      replayWords: { input: replayPrefix, stream: streamReplayOptions(args).map(shellWord).join(' ') },
      ...(libFuzzer === null ? {} : { libFuzzer }),
    },
    publishReport,
    args.value('--out'),
  );
  const summary = document.engine!;
  const coverage = libFuzzer === null ? '' : `libFuzzer: ${libFuzzer.execs} execs, ${libFuzzer.edges} edges, ${libFuzzer.features} features, corpus ${libFuzzer.corpusSize} inputs in ${libFuzzer.corpusDir} (${libFuzzer.runtime} runtime)\n`;
  process.stdout.write(
    `qfc fuzz: ${setup.implementation.name}: ${summary.runs} runs, ${summary.execs} executions in ${summary.seconds.toFixed(1)} s (${summary.execsPerSecond} execs/s, ${engine}, ${summary.execution}), seed ${seed}: ` +
      `${summary.failures} ${summary.failures === 1 ? 'failure' : 'failures'}, ${document.summary.nonStrict} non-strict, ${document.summary.error} error${result.interrupted ? ' (interrupted)' : ''}\n` +
      coverage +
      (summary.neverExercised.length === 0 ? '' : `MUST clauses never exercised: ${summary.neverExercised.join(', ')}\n`) +
      `report: ${join(out, 'index.html')}\n`,
  );
  if (summary.failures > 0 || document.summary.error > 0) return 1;
  return result.interrupted ? 130 : 0;
}

const JAZZER_ONLY = ['--corpus-dir', '--dict', '--input'];

export async function fuzzCommand(args: ParsedArguments, commandLine: string): Promise<number> {
  const engine = args.value('--engine') ?? 'pbt';
  if (engine !== 'pbt' && engine !== 'jazzer') throw new UsageError(`unknown engine '${engine}' (qfc fuzz has: pbt, jazzer)`);
  if (engine === 'pbt') for (const option of JAZZER_ONLY) if (args.value(option) !== undefined) throw new UsageError(`${option} is an option of --engine jazzer`);
  const replayValue = args.value('--replay');
  const target = replayValue === undefined || engine === 'jazzer' ? null : replayTarget(replayValue);
  if (replayValue !== undefined) {
    for (const option of ['--seconds', '--runs', '--seed', '--jobs', '--shrink-seconds', '--corpus', '--out', '--corpus-dir', '--dict']) {
      if (args.value(option) !== undefined) throw new UsageError(`--replay runs one input: ${option} does not apply`);
    }
    if (args.flag('--keep-going')) throw new UsageError('--replay runs one input: --keep-going does not apply');
  }
  const mode = inputModeOf(args);
  // A receiver given as a module runs in-process under the Jazzer.js engine, with its own coverage.
  const modulePath = engine === 'jazzer' ? (implementationOf(args).receiver?.module ?? null) : null;
  let receiverModule: UnpackFunction | null = null;
  if (modulePath !== null) {
    try {
      receiverModule = await loadReceiverModule(modulePath);
    } catch (error) {
      if (error instanceof ReceiverModuleError) throw new UsageError(error.message);
      throw error;
    }
  }
  const setup = setUpFuzz(args, undefined, receiverModule);
  try {
    if (replayValue === undefined) return await campaign(args, setup, commandLine, engine, modulePath);
    return target === null ? await replayFile(setup, resolve(replayValue), mode) : await replay(setup, target);
  } catch (error) {
    // The Jazzer.js runtime or a worker failed: one line for the user, not a stack trace.
    if (error instanceof JazzerRuntimeError || error instanceof JazzerEngineError) {
      process.stderr.write(`qfc fuzz: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    for (const note of tearDownFuzz(setup)) process.stderr.write(`qfc fuzz: cleanup: ${note}\n`);
  }
}
