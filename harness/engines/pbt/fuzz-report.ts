/**
 * results.json for a fuzz campaign: the same document certify writes (so junit.xml,
 * summary.md and index.html render from it), with one case per finding (its replay
 * command, corpus entry and minimal stream in the notes), one per sample of the other
 * non-pass verdicts, summary counts over every run, and the engine's statistics.
 */
import { CLAUSES } from '../../../spec/clauses.js';
import type { EngineFinding, EngineReport, ResultsDocument } from '../../reports/results-document.js';
import type { CaseResult } from '../../verdicts/case-result.js';
import type { CampaignResult, Finding } from './campaign.js';
import { describeStream } from './describe-stream.js';
import { propertyClauses } from './properties.js';
import type { SavedFinding } from './save-finding.js';

/** A finding with what became of it. */
export interface ReportedFinding {
  readonly finding: Finding;
  readonly saved: SavedFinding;
  readonly replay: string;
}

export interface FuzzReportInput {
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
}

function findingCase(reported: ReportedFinding, index: number): CaseResult {
  const { finding, saved, replay } = reported;
  const result = finding.run.result;
  const id = saved.saved ? saved.id : `${finding.property}-finding-${index + 1}`;
  return {
    ...result,
    id,
    title: `${finding.property} broken: ${result.violations[0]?.detail ?? result.notes[0] ?? result.verdict}`.slice(0, 200),
    notes: [...result.notes, `replay: ${replay}`, saved.saved ? `corpus: ${saved.path}` : `not kept in the corpus: ${saved.why}`, 'minimal stream:', ...describeStream(finding.run.stream).map((line) => `  ${line}`)],
  };
}

/** The report document of a campaign. */
export function fuzzReport(input: FuzzReportInput): ResultsDocument {
  const { campaign } = input;
  const { statistics } = campaign;
  const cases = [...input.findings.map(findingCase), ...campaign.samples.map((sample, index) => ({ ...sample, id: `sample-${index + 1}-${sample.id}` }))];
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
    msToShrink: reported.finding.msToShrink,
    corpus: reported.saved.saved ? reported.saved.path : `not kept: ${reported.saved.why}`,
    minimalStream: describeStream(reported.finding.run.stream),
  }));
  const seconds = statistics.ms / 1000;
  const engine: EngineReport = {
    name: 'pbt',
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
