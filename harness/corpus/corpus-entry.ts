/**
 * A stored corpus case: `corpus/<category>/<behaviour>.qfc` (the raw stream) and
 * `<behaviour>.json` beside it (INTERPRETING.md §Corpus).
 */
import { createHash } from 'node:crypto';
import type { ClauseId } from '../../spec/clauses.js';
import { findClause } from '../../spec/clauses.js';
import { toHex, fromHex } from '../../spec/byte-string.js';
import { predict } from '../../spec/model/predict.js';
import { PROFILES, type Profile } from '../adapters/implementation.js';
import { receiverCase, type ReceiverCase } from '../catalogue/catalogue-case.js';
import { profileOptions } from '../certify/run-receiver-case.js';
import { treeLines } from '../verdicts/describe-outcome.js';

/** The metadata file. */
export interface CorpusMetadata {
  readonly id: string;
  readonly category: string;
  readonly title: string;
  readonly clauses: readonly string[];
  readonly profile: Profile;
  readonly limits?: { readonly bytes?: string; readonly files?: string };
  /** What the spec predicts (as an ordinary user), stored so that a change in the model shows. */
  readonly expectation: { readonly errorCode: number; readonly lastNameHex: string | null; readonly exitStatus: number; readonly tree: readonly string[] };
  readonly provenance: string;
  /** SHA-256 of the stream, for deduplication. */
  readonly sha256: string;
  /** For a case a fuzz campaign found: how to find it again and what it showed. */
  readonly finding?: CorpusFinding;
}

/** What a fuzz engine records about a case it found. */
export interface CorpusFinding {
  readonly engine: string;
  /** The property the input broke. */
  readonly property: string;
  readonly seed: number;
  /** fast-check path of the input (with the seed: `qfc fuzz --replay seed:path`). */
  readonly path: string;
  /** The command that replays the campaign's input. */
  readonly replay: string;
  readonly violations: readonly { readonly clause: string; readonly detail: string }[];
  readonly expected: Readonly<Record<string, unknown>>;
  readonly observed: Readonly<Record<string, unknown>>;
}

export const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** SHA-256 (hex) of a stream. */
export function streamDigest(stream: Uint8Array): string {
  return createHash('sha256').update(stream).digest('hex');
}

/** The expectation the spec gives a stream under a profile and limits. */
export function expectationOf(stream: Uint8Array, profile: Profile, limits: CorpusMetadata['limits'] = {}): CorpusMetadata['expectation'] {
  const prediction = predict(stream, {
    ...profileOptions(profile),
    bytesLimit: BigInt(limits.bytes ?? 0),
    filesLimit: BigInt(limits.files ?? 0),
  });
  return {
    errorCode: prediction.result.errorCode,
    lastNameHex: prediction.result.lastName === null ? null : toHex(prediction.result.lastName),
    exitStatus: prediction.exitStatus,
    tree: treeLines(prediction.tree),
  };
}

/** Problems with a metadata object (empty when it is well formed). */
export function metadataProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['not a JSON object'];
  const meta = value as Partial<CorpusMetadata>;
  const problems: string[] = [];
  if (typeof meta.id !== 'string' || !KEBAB.test(meta.id)) problems.push('id must be kebab-case');
  if (typeof meta.category !== 'string' || !KEBAB.test(meta.category)) problems.push('category must be kebab-case');
  if (typeof meta.title !== 'string' || meta.title === '') problems.push('title is missing');
  if (!Array.isArray(meta.clauses) || meta.clauses.length === 0) problems.push('clauses must be a non-empty list');
  else for (const clause of meta.clauses) if (findClause(String(clause)) === undefined) problems.push(`unknown clause ${String(clause)}`);
  if (!PROFILES.includes(meta.profile as Profile)) problems.push(`profile must be one of ${PROFILES.join(', ')}`);
  const expectation = meta.expectation;
  if (typeof expectation !== 'object' || expectation === null || typeof expectation.errorCode !== 'number' || typeof expectation.exitStatus !== 'number' || !Array.isArray(expectation.tree)) problems.push('expectation is missing or malformed');
  if (typeof meta.provenance !== 'string' || meta.provenance === '') problems.push('provenance is missing');
  if (typeof meta.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(meta.sha256)) problems.push('sha256 is missing');
  if (meta.finding !== undefined) {
    const finding = meta.finding as Partial<CorpusFinding> | null;
    if (typeof finding !== 'object' || finding === null || typeof finding.property !== 'string' || typeof finding.seed !== 'number' || typeof finding.path !== 'string' || !Array.isArray(finding.violations)) {
      problems.push('finding must hold property, seed, path and violations');
    }
  }
  for (const key of ['bytes', 'files'] as const) {
    const limit = meta.limits?.[key];
    if (limit !== undefined && !/^\d+$/.test(String(limit))) problems.push(`limits.${key} must be a whole number as a string`);
  }
  return problems;
}

/** A certify case made from a stored stream and its metadata. */
export function corpusCase(meta: CorpusMetadata, stream: Uint8Array): ReceiverCase {
  const lastName = meta.expectation.lastNameHex === null ? null : new TextDecoder('utf-8', { ignoreBOM: true }).decode(fromHex(meta.expectation.lastNameHex) ?? new Uint8Array(0));
  return {
    ...receiverCase(meta.category, {
      id: meta.id,
      title: meta.title,
      clauses: meta.clauses as ClauseId[],
      profile: meta.profile,
      limits: { ...(meta.limits?.bytes === undefined ? {} : { bytes: BigInt(meta.limits.bytes) }), ...(meta.limits?.files === undefined ? {} : { files: BigInt(meta.limits.files) }) },
      stream,
      pinned: { errorCode: meta.expectation.errorCode, lastName },
    }),
    provenance: meta.provenance,
  };
}
