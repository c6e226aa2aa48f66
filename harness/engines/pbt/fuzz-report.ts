/**
 * results.json for a fuzz campaign: the same document certify writes (so junit.xml,
 * summary.md and index.html render from it), with one case per finding (its corpus entry
 * and minimal stream in the notes) and one per sample of the other non-pass verdicts,
 * summary counts over every run, and the engine's statistics. Every case carries its
 * profile, limits, stream and replay commands (fuzz-case.ts), so that it can be
 * reproduced from the report alone.
 */
import { relative } from 'node:path';
import { toHex } from '../../../spec/byte-string.js';
import { CLAUSES } from '../../../spec/clauses.js';
import { STREAM_HEX_CAP } from '../../certify/run-settings.js';
import type { EngineFinding, EngineReport, ResultsDocument } from '../../reports/results-document.js';
import type { CampaignResult, Finding } from './campaign.js';
import { describeStream } from './describe-stream.js';
import { caseSettings, caseSources, type CaseSource, type FuzzCase } from './fuzz-case.js';
import { propertyClauses } from './properties.js';
import type { SavedFinding } from './save-finding.js';
import { shellWord } from './shell-word.js';

/** A finding with what became of it. */
export interface ReportedFinding {
  readonly finding: Finding;
  readonly saved: SavedFinding;
  /** `qfc fuzz … --replay seed:path` of the finding. */
  readonly replay: string;
}

/** The stream files written beside the report (publish-fuzz-report.ts). */
export interface StreamFiles {
  /** The report directory. */
  readonly dir: string;
  /** Each stream case's file, by case id. */
  readonly files: ReadonlyMap<string, string>;
  /** Why a stream case's file could not be written, by case id. */
  readonly problems: ReadonlyMap<string, string>;
}

/** results.json of a campaign. */
export type FuzzReport = ResultsDocument & { readonly cases: readonly FuzzCase[] };

export interface FuzzReportInput {
  /** The engine that ran the campaign: pbt inputs replay by `seed:path`, jazzer inputs by their file. */
  readonly engine: 'pbt' | 'jazzer';
  readonly campaign: CampaignResult;
  readonly findings: readonly ReportedFinding[];
  readonly suite: ResultsDocument['suite'];
  readonly implementation: ResultsDocument['implementation'];
  readonly run: ResultsDocument['run'];
  readonly execution: 'in-process' | 'process';
  readonly seed: number;
  readonly properties: readonly string[];
  /** Whether round trips ran (sender clauses count then). */
  readonly roundTrips: boolean;
  /**
   * The words of the replay commands: `input` precedes `--replay seed:path` (`qfc fuzz
   * --engine pbt` and the options that decide what the campaign draws); `stream` follows
   * the stream file in `qfc replay FILE …` (the same implementation, run the same way).
   */
  readonly replayWords: { readonly input: string; readonly stream: string };
  /** Without them (before they are written), a stream case replays by seed:path. */
  readonly streamFiles?: StreamFiles;
  /** What libFuzzer reported (jazzer campaigns). */
  readonly libFuzzer?: EngineReport['libFuzzer'];
}

/** Where `--replay` finds a case's input: `seed:path` for pbt, the input file for jazzer. */
export function inputLocator(engine: FuzzReportInput['engine'], seed: number, path: string): string {
  return engine === 'pbt' ? `${seed}:${path}` : shellWord(path);
}

function fuzzCase(source: CaseSource, input: FuzzReportInput, saved: SavedFinding | null): FuzzCase {
  const { result, finding } = source;
  const replayInput = `${input.replayWords.input} --replay ${inputLocator(input.engine, source.seed, source.path)}`;
  const file = input.streamFiles?.files.get(source.id);
  const replay = file === undefined ? replayInput : `qfc replay ${shellWord(file)}${input.replayWords.stream === '' ? '' : ` ${input.replayWords.stream}`}`;
  const kept = saved === null ? [] : [saved.saved ? `corpus: ${saved.path}` : `not kept in the corpus: ${saved.why}`];
  const problem = input.streamFiles?.problems.get(source.id);
  const stream = finding === null ? [] : ['minimal stream:', ...describeStream(source.stream).map((line) => `  ${line}`)];
  return {
    ...result,
    id: source.id,
    title: finding === null ? result.title : `${finding.property} broken: ${result.violations[0]?.detail ?? result.notes[0] ?? result.verdict}`.slice(0, 200),
    ...caseSettings(source),
    streamHex: toHex(source.stream.subarray(0, STREAM_HEX_CAP)),
    streamLength: source.stream.length,
    seed: source.seed,
    path: source.path,
    replay,
    replayInput,
    ...(file === undefined ? {} : { streamFile: relative(input.streamFiles!.dir, file) }),
    notes: [...result.notes, `replay: ${replay}`, ...(replay === replayInput ? [] : [`replay the input: ${replayInput}`]), ...(problem === undefined ? [] : [`stream not kept beside the report: ${problem}`]), ...kept, ...stream],
  };
}

/** The cases of a report, findings first, each with the input behind it. */
export function reportSources(input: FuzzReportInput): CaseSource[] {
  return caseSources(input.campaign, input.findings.map(({ finding, saved }) => ({ finding, id: saved.saved ? saved.id : null })));
}

/** The report document of a campaign. */
export function fuzzReport(input: FuzzReportInput): FuzzReport {
  const { campaign } = input;
  const { statistics } = campaign;
  const cases = reportSources(input).map((source, index) => fuzzCase(source, input, input.findings[index]?.saved ?? null));
  // Every stream and receiver clause; of the sender's, those a round trip exercises (a
  // campaign never answers a sender with a hostile result, for instance).
  const senderClauses = new Set<string>(input.roundTrips ? propertyClauses('round-trip') : []);
  const reachable = CLAUSES.filter((clause) => clause.subject === 'stream' || clause.subject === 'receiver' || senderClauses.has(clause.id));
  const clauseCounts = Object.fromEntries(reachable.map((clause) => [clause.id, statistics.clauses[clause.id] ?? 0]));
  const findings: EngineFinding[] = input.findings.map((reported, index) => ({
    id: cases[index]!.id,
    property: reported.finding.property,
    seed: reported.finding.seed,
    path: reported.finding.path,
    replay: reported.replay,
    shrinks: reported.finding.shrinks,
    msToFind: reported.finding.msToFind,
    runsToFind: reported.finding.runsToFind,
    msToShrink: reported.finding.msToShrink,
    corpus: reported.saved.saved ? reported.saved.path : `not kept: ${reported.saved.why}`,
    minimalStream: describeStream(reported.finding.run.stream),
  }));
  const seconds = statistics.ms / 1000;
  const engine: EngineReport = {
    name: input.engine,
    execution: input.execution,
    seed: input.seed,
    properties: input.properties,
    runs: statistics.runs,
    execs: statistics.execs,
    seconds,
    execsPerSecond: seconds > 0 ? Math.round((statistics.execs / seconds) * 10) / 10 : 0,
    failures: input.findings.length,
    interrupted: campaign.interrupted,
    families: statistics.families,
    clauseCounts,
    neverExercised: reachable.filter((clause) => clause.level === 'MUST' && clauseCounts[clause.id] === 0).map((clause) => clause.id),
    findings,
    ...(input.libFuzzer === undefined ? {} : { libFuzzer: input.libFuzzer }),
  };
  const { verdicts } = statistics;
  return {
    suite: input.suite,
    implementation: input.implementation,
    summary: { total: statistics.runs, pass: verdicts.pass, fail: verdicts.fail, nonStrict: verdicts['non-strict'], info: verdicts.info, error: verdicts.error, skipped: verdicts.skipped },
    run: input.run,
    cases,
    engine,
  };
}
