/**
 * A case of a fuzz report: certify's CaseResult plus what it takes to reproduce it from
 * the report alone — the settings it ran under (profile and limits), its stream, where the
 * campaign drew it (`seed:path`) and the commands that replay it.
 *
 * CaseResult has no `limits` (certify's cases carry theirs in the catalogue, which a
 * campaign's inputs are not in), so a fuzz case adds it here rather than in
 * `verdicts/case-result.ts`.
 */
import type { CaseResult } from '../../verdicts/case-result.js';
import type { FuzzInput } from './arbitraries/fuzz-input.js';
import type { CampaignResult, Finding } from './campaign.js';

/** One case of results.json in a fuzz report. */
export interface FuzzCase extends CaseResult {
  /** The receiver's limits as decimal strings; a limit that is absent was not set (a round trip sets none). */
  readonly limits: { readonly bytes?: string; readonly files?: string };
  /** The stream (hex, at most 64 KiB; the file beside the report holds all of it) and its length. */
  readonly streamHex: string;
  readonly streamLength: number;
  /** The campaign's batch seed and fast-check path of the input. */
  readonly seed: number;
  readonly path: string;
  /**
   * The command that gives the same verdict again: for a stream, `qfc replay` of the
   * stream kept beside the report (its .json holds the profile and limits) against the
   * same implementation; for a round trip, `qfc fuzz … --replay seed:path`.
   */
  readonly replay: string;
  /** `qfc fuzz … --replay seed:path`: the campaign draws the input again (for a finding, fast-check's minimal input, before the part-by-part reduction). */
  readonly replayInput: string;
  /** The stream file, relative to the report directory (stream cases, once written). */
  readonly streamFile?: string;
}

/** What a case was made from: its verdict, the input behind it and where the campaign drew it. */
export interface CaseSource {
  readonly id: string;
  readonly result: CaseResult;
  readonly input: FuzzInput;
  /** For a stream, what the receiver saw (a finding's: reduced part by part); for a tree, what the sender wrote. */
  readonly stream: Uint8Array;
  readonly seed: number;
  readonly path: string;
  readonly finding: Finding | null;
}

/** The profile and limits of a source's run, as a fuzz case lists them. */
export function caseSettings(source: CaseSource): { profile: string; limits: FuzzCase['limits'] } {
  if (source.input.kind === 'tree') return { profile: source.result.profile, limits: {} };
  const { profile, limits } = source.input.settings;
  return { profile, limits: { ...(limits.bytes === undefined ? {} : { bytes: String(limits.bytes) }), ...(limits.files === undefined ? {} : { files: String(limits.files) }) } };
}

/**
 * The cases of a campaign, findings first: a finding is named after its corpus entry when
 * it was saved, a sample after its place among the samples and its verdict's origin.
 */
export function caseSources(campaign: CampaignResult, findings: readonly { readonly finding: Finding; readonly id: string | null }[]): CaseSource[] {
  return [
    ...findings.map(({ finding, id }, index) => ({
      id: id ?? `${finding.property}-finding-${index + 1}`,
      result: finding.run.result,
      input: finding.input,
      stream: finding.run.stream,
      seed: finding.seed,
      path: finding.path,
      finding,
    })),
    ...campaign.samples.map((sample, index) => ({ id: `sample-${index + 1}-${sample.result.id}`, result: sample.result, input: sample.input, stream: sample.stream, seed: sample.seed, path: sample.path, finding: null })),
  ];
}
