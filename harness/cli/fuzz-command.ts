/**
 * `qfc fuzz --engine pbt`: a fast-check campaign against an implementation (default: the
 * bundled reference pair, run in-process), or `--replay seed:path` of one of its inputs.
 *
 * Exit status as certify: 0 when nothing failed, 1 when a property broke (each finding is
 * shrunk and saved in the corpus first) or the harness failed on an input, 2 for bad
 * usage, 130 when interrupted before anything was found. Ctrl-C stops the campaign,
 * keeps what was found (a shrink in progress keeps its smallest input so far) and still
 * writes the report; a second Ctrl-C quits at once.
 */
import { stopAllContained } from '../sandbox/run-contained.js';
import { CONTRACT_VERSION } from '../adapters/contract-version.js';
import { randomInt } from 'node:crypto';
import { accessSync, chmodSync, constants, mkdtempSync } from 'node:fs';
import { removeTree } from '../sandbox/sandbox-root.js';
import { TrashBin } from '../sandbox/trash-bin.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { referenceImplementation, shellCommand } from '../adapters/bundled-implementations.js';
import { UPSTREAM_PROFILE_ARGS, type Implementation } from '../adapters/implementation.js';
import { CATALOGUE } from '../catalogue/index.js';
import { runReceiverProgram } from '../certify/run-receiver-case.js';
import { runSenderPrograms } from '../certify/run-sender-case.js';
import { openLanes, visiblePaths, type RunSettings } from '../certify/run-settings.js';
import type { FuzzInputShape } from '../engines/pbt/arbitraries/fuzz-input.js';
import { replayInput, runCampaign, type CampaignStatistics, type Finding } from '../engines/pbt/campaign.js';
import { describeStream } from '../engines/pbt/describe-stream.js';
import { runReferencePairInProcess } from '../engines/pbt/execution/in-process-pair.js';
import { runReferenceReceiverInProcess } from '../engines/pbt/execution/in-process-receiver.js';
import { runReferenceSenderInProcess } from '../certify/reference-sender-in-process.js';
import type { ReportedFinding } from '../engines/pbt/fuzz-report.js';
import { publishFuzzReport } from '../engines/pbt/publish-fuzz-report.js';
import { shellWord } from '../engines/pbt/shell-word.js';
import { PROPERTIES, type PropertyId } from '../engines/pbt/properties.js';
import type { EngineRunner } from '../engines/pbt/run-input.js';
import { saveFinding } from '../engines/pbt/save-finding.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { describeImplementation } from '../reports/results-document.js';
import { UsageError, type ParsedArguments } from './arguments.js';
import { programProblem } from '../adapters/find-program.js';
import { anchoredCommand, checkPrograms, confinementOf, implementationOf, oracleOf, ownerOf, profileOf, publishReport, whole } from './implementation-options.js';
import { bundledVersion } from './version.js';
import { describeContainment } from './describe-containment.js';

export const FUZZ_FLAGS = ['--process', '--strict', '--keep-going', '--no-sandbox', '--slow-path', '--help'];
export const FUZZ_VALUES = ['--engine', '--seconds', '--runs', '--seed', '--receiver', '--sender', '--impl', '--profile', '--property', '--jobs', '--shrink-seconds', '--corpus', '--out', '--uid', '--gid', '--time-limit', '--memory-limit', '--bind-ro', '--oracle', '--baseline-receiver', '--replay'];

export const FUZZ_USAGE = `usage: qfc fuzz [--engine pbt] [--seconds N | --runs N] [--seed S] [--impl MANIFEST | --receiver CMD [--sender CMD] | --sender CMD]
                [--process] [--profile default|allow-all-names|unsafe-symlinks] [--property round-trip|differential|invariants]...
                [--jobs N] [--strict] [--keep-going] [--shrink-seconds N] [--corpus DIR] [--out DIR]
                [--uid N [--gid N]] [--time-limit MS] [--memory-limit MIB] [--bind-ro PATH]... [--oracle spec|upstream] [--baseline-receiver CMD] [--no-sandbox] [--slow-path]
       qfc fuzz --replay SEED:PATH [the same implementation, --process, --profile, --property, --strict and --uid options]
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

function propertiesOf(args: ParsedArguments): Set<PropertyId> {
  const asked = args.values('--property');
  // The baseline property exists only against a baseline receiver.
  const known = PROPERTIES.map((property) => property.id).filter((id) => id !== 'baseline' || args.value('--baseline-receiver') !== undefined);
  for (const id of asked) if (!known.includes(id as PropertyId)) throw new UsageError(`--property is one of ${known.join(', ')}, not '${id}'`);
  return new Set(asked.length === 0 ? known : (asked as PropertyId[]));
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

/** A directory for the campaign's sandboxes: memory-backed for in-process runs when /dev/shm can take it. */
function sandboxBase(inProcess: boolean): string {
  let parent = tmpdir();
  if (inProcess) {
    try {
      accessSync('/dev/shm', constants.W_OK);
      parent = '/dev/shm';
    } catch {
      // no writable /dev/shm: the temporary directory will do
    }
  }
  const base = mkdtempSync(join(parent, 'qfc-fuzz-'));
  chmodSync(base, 0o755); // a program run with --uid must reach its sandbox through it
  return base;
}

interface CampaignSetup {
  readonly implementation: Implementation;
  readonly runner: EngineRunner;
  readonly shape: FuzzInputShape;
  readonly inProcess: boolean;
  readonly owner: { uid: number; gid: number } | null;
  readonly profile: string;
  readonly base: string;
}

function setUp(args: ParsedArguments): CampaignSetup {
  const engine = args.value('--engine') ?? 'pbt';
  if (engine !== 'pbt') throw new UsageError(`unknown engine '${engine}' (qfc fuzz has: pbt)`);
  if (args.positional.length > 0) throw new UsageError(`qfc fuzz takes no positional argument ('${args.positional[0]}'); see qfc fuzz --help`);
  const own = args.value('--impl') !== undefined || args.value('--receiver') !== undefined || args.value('--sender') !== undefined;
  const implementation = implementationOf(args);
  const inProcess = !own && !args.flag('--process');
  const owner = ownerOf(args);
  if (inProcess && owner !== null) throw new UsageError('--uid runs programs as another user: add --process');
  if (!inProcess) checkPrograms(implementation);
  const profile = profileOf(args);
  const properties = propertiesOf(args);
  const confinement = inProcess ? 'none' : confinementOf(args);
  const reference = referenceImplementation();
  const base = sandboxBase(inProcess);
  const plain: RunSettings = { implementation, reference, confinement, base, owner, keepSandboxes: false, visiblePaths: visiblePaths([implementation, reference]), oracle: oracleOf(args) };
  const slowPath = args.flag('--slow-path');
  // In-process, only qfc's own code writes in the sandboxes: they can go in the background.
  const settings: RunSettings = { ...plain, lanes: openLanes(plain, slowPath), referenceInProcess: !slowPath, trash: inProcess ? new TrashBin(base) : null };
  const baselineCommand = args.value('--baseline-receiver');
  let baseline: EngineRunner['baseline'];
  if (baselineCommand !== undefined) {
    const program = anchoredCommand(baselineCommand.trim());
    const first = /^\S+/.exec(program)?.[0];
    const problem = first !== undefined && first.includes('/') ? programProblem(first) : null;
    if (problem !== null) throw new UsageError(`cannot run the baseline receiver: ${problem}`);
    const baselineImplementation: Implementation = {
      ...implementation,
      name: `baseline: ${baselineCommand}`,
      receiver: { argv: shellCommand(program, 'qfc-baseline'), profiles: UPSTREAM_PROFILE_ARGS, timeResolution: implementation.receiver?.timeResolution ?? 'ns' },
      sender: null,
      openInVm: null,
    };
    const baselineConfinement = confinementOf(args);
    const baselineSettings: RunSettings = { ...plain, implementation: baselineImplementation, confinement: baselineConfinement, visiblePaths: visiblePaths([baselineImplementation, reference]) };
    baseline = {
      settings: { ...baselineSettings, lanes: openLanes(baselineSettings, slowPath) },
      receiver: runReceiverProgram,
    };
  }
  const runner: EngineRunner = {
    ...(baseline === undefined ? {} : { baseline }),
    settings,
    receiver: inProcess ? runReferenceReceiverInProcess : runReceiverProgram,
    // Without a sender of its own the implementation meets the reference sender, whose stream
    // qfc computes in-process: no program start it can avoid.
    pair: inProcess ? runReferencePairInProcess : implementation.sender === null && !slowPath ? runReferenceSenderInProcess : runSenderPrograms,
    strict: args.flag('--strict'),
    properties,
  };
  const senderUid = owner?.uid ?? process.getuid?.() ?? 0;
  const shape: FuzzInputShape = {
    receiverStreams: implementation.receiver !== null,
    roundTrips: implementation.receiver !== null || implementation.sender !== null,
    profile,
    specials: ['fifo', 'socket', 'char-device', 'block-device'],
    ownerCanRead: senderUid !== 0,
  };
  return { implementation, runner, shape, inProcess, owner, profile: profile ?? 'all', base };
}

/** Progress on stderr: a line redrawn in place on a terminal, a plain line every ten seconds otherwise. */
function progress(budget: string): (statistics: CampaignStatistics, final?: boolean) => void {
  const stream = process.stderr;
  let last = 0;
  const started = Date.now();
  return (statistics, final = false) => {
    const now = Date.now();
    if (!final && now - last < (stream.isTTY ? 250 : PROGRESS_EVERY_MS)) return;
    last = now;
    const seconds = (now - started) / 1000;
    const { verdicts } = statistics;
    const line = `${seconds.toFixed(0)} s of ${budget}: ${statistics.runs} runs, ${(statistics.execs / Math.max(seconds, 0.001)).toFixed(0)} execs/s; pass ${verdicts.pass}, fail ${verdicts.fail}, non-strict ${verdicts['non-strict']}, error ${verdicts.error}`;
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

async function replay(setup: CampaignSetup, target: { seed: number; path: string }): Promise<number> {
  const replayed = await replayInput(setup.shape, target.seed, target.path, setup.runner);
  if (replayed === null) throw new UsageError(`--replay ${target.seed}:${target.path} leads to no input (were the options the same as the campaign's?)`);
  const { input, run } = replayed;
  const lines = [
    `input: ${input.kind === 'tree' ? 'a source tree for a round trip' : `a ${input.family} stream, profile ${input.settings.profile}`}`,
    `verdict: ${run.result.verdict}${run.property === null ? '' : `, property ${run.property} broken`}`,
    ...run.result.violations.map((violation) => `  ${violation.clause}: ${violation.detail}`),
    ...run.result.notes.map((note) => `  note: ${note}`),
    'stream:',
    ...describeStream(run.stream).map((line) => `  ${line}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return run.property === null ? 0 : 1;
}

async function campaign(args: ParsedArguments, setup: CampaignSetup, commandLine: string): Promise<number> {
  const secondsGiven = whole(args.value('--seconds'), '--seconds', 1);
  const runs = whole(args.value('--runs'), '--runs', 1) ?? null;
  if (secondsGiven !== undefined && runs !== null) throw new UsageError('--seconds and --runs cannot be combined');
  const ms = runs !== null ? null : (secondsGiven ?? DEFAULT_SECONDS) * 1000;
  const seed = seedOf(args);
  // Programs in the sandbox: what they run as is probed from inside, as for certify.
  const containment = setup.inProcess ? null : await describeContainment(setup.implementation, setup.runner.settings.reference, setup.runner.settings.confinement, setup.owner);
  const jobs = whole(args.value('--jobs'), '--jobs', 1) ?? 2;
  const shrinkMs = (whole(args.value('--shrink-seconds'), '--shrink-seconds', 1) ?? DEFAULT_SHRINK_SECONDS) * 1000;
  const corpusDir = resolve(args.value('--corpus') ?? join(PACKAGE_ROOT, 'corpus'));
  const takenIds = new Set(CATALOGUE.map((testCase) => testCase.id));
  const replayPrefix = ['qfc', 'fuzz', '--engine', 'pbt', ...sameInputOptions(args)].map(shellWord).join(' ');
  const budget = runs === null ? `${ms! / 1000} s` : `${runs} runs`;
  process.stderr.write(
    `qfc fuzz: ${setup.implementation.name} (${setup.inProcess ? 'in-process' : `process, sandbox: ${setup.runner.settings.confinement}`}), seed ${seed}, ${budget}, ${jobs} jobs, properties ${[...setup.runner.properties].join(', ')}\n`,
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
  let result;
  try {
    result = await runCampaign({
      runner: setup.runner,
      shape: setup.shape,
      seed,
      runs,
      ms,
      jobs,
      keepGoing: args.flag('--keep-going'),
      shrinkMs,
      signal: controller.signal,
      onRun: (_run, statistics) => show(statistics),
      onFinding: (finding: Finding) => {
        const replayCommand = `${replayPrefix} --replay ${finding.seed}:${finding.path}`;
        const saved = saveFinding(finding, corpusDir, replayCommand, takenIds);
        if (saved.saved) takenIds.add(saved.id);
        const entry = { finding, saved, replay: replayCommand };
        reported.push(entry);
        printFinding(entry);
      },
    });
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
  show(result.statistics, true);

  const { document, out } = publishFuzzReport(
    {
      campaign: result,
      findings: reported,
      suite: { name: 'qfc', version: bundledVersion(), corpusDigest: `fuzz campaign, seed ${seed}`, contract: CONTRACT_VERSION },
      implementation: describeImplementation(setup.implementation, setup.profile, containment?.line ?? 'none (in-process: the bundled reference runs inside qfc)'),
      run: { startedAt, ms: result.statistics.ms, strict: setup.runner.strict, jobs, uid: setup.owner?.uid ?? process.getuid?.() ?? 0, command: commandLine, ...(containment === null ? {} : { containment: containment.facts }) },
      execution: setup.inProcess ? 'in-process' : 'process',
      seed,
      properties: [...setup.runner.properties],
      roundTrips: setup.shape.roundTrips,
      replayWords: { input: replayPrefix, stream: streamReplayOptions(args).map(shellWord).join(' ') },
    },
    publishReport,
    args.value('--out'),
  );
  const engine = document.engine!;
  process.stdout.write(
    `qfc fuzz: ${setup.implementation.name}: ${engine.runs} runs, ${engine.execs} executions in ${engine.seconds.toFixed(1)} s (${engine.execsPerSecond} execs/s, ${engine.execution}), seed ${seed}: ` +
      `${engine.failures} ${engine.failures === 1 ? 'failure' : 'failures'}, ${document.summary.nonStrict} non-strict, ${document.summary.error} error${result.interrupted ? ' (interrupted)' : ''}\n` +
      (engine.neverExercised.length === 0 ? '' : `MUST clauses never exercised: ${engine.neverExercised.join(', ')}\n`) +
      `report: ${join(out, 'index.html')}\n`,
  );
  if (engine.failures > 0 || document.summary.error > 0) return 1;
  return result.interrupted ? 130 : 0;
}

export async function fuzzCommand(args: ParsedArguments, commandLine: string): Promise<number> {
  const replayValue = args.value('--replay');
  const target = replayValue === undefined ? null : replayTarget(replayValue);
  if (target !== null) {
    for (const option of ['--seconds', '--runs', '--seed', '--jobs', '--shrink-seconds', '--corpus', '--out']) {
      if (args.value(option) !== undefined) throw new UsageError(`--replay runs one input: ${option} does not apply`);
    }
    if (args.flag('--keep-going')) throw new UsageError('--replay runs one input: --keep-going does not apply');
  }
  const setup = setUp(args);
  try {
    return target === null ? await campaign(args, setup, commandLine) : await replay(setup, target);
  } finally {
    const problems = [...(setup.runner.settings.lanes?.close() ?? []), ...(setup.runner.baseline?.settings.lanes?.close() ?? []), setup.runner.settings.trash?.empty() ?? null].filter((problem): problem is string => problem !== null);
    const problem = removeTree(setup.base);
    for (const note of problem === null ? problems : [...problems, problem]) process.stderr.write(`qfc fuzz: cleanup: ${note}\n`);
  }
}
