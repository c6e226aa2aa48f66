/**
 * Keep a finding as a regression case: the smallest failing stream goes into
 * `corpus/regressions/` through `corpus add` (atomic, deduplicated), with the seed, path,
 * property, violated clauses and expected vs observed outcome beside it, so that
 * `qfc replay` runs it against any receiver from then on.
 *
 * A round trip whose sender wrote a wrong stream is not kept: its stream is the sender's
 * mistake, which replaying it against a receiver cannot show; the report and the replay
 * command carry it instead.
 */
import { createHash } from 'node:crypto';
import { findClause } from '../../../spec/clauses.js';
import { addToCorpus, CorpusError } from '../../corpus/add-to-corpus.js';
import { streamDigest } from '../../corpus/corpus-entry.js';
import type { Finding } from './campaign.js';

/** Where a finding went. */
export type SavedFinding = { readonly saved: true; readonly id: string; readonly path: string; readonly added: boolean } | { readonly saved: false; readonly why: string };

/** The category regressions are kept in. */
export const REGRESSIONS = 'regressions';

const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');

/** Eight hex digits of the stream and the settings it failed under: the same bytes under other limits are another case. */
function caseDigest(stream: Uint8Array, settings: { profile: string; limits: { bytes?: bigint; files?: bigint } }): string {
  const plain = settings.profile === 'default' && settings.limits.bytes === undefined && settings.limits.files === undefined;
  if (plain) return streamDigest(stream).slice(0, 8);
  return createHash('sha256').update(`${streamDigest(stream)} ${settings.profile} ${settings.limits.bytes ?? ''} ${settings.limits.files ?? ''}`).digest('hex').slice(0, 8);
}

/** True when the round trip failed because of what the sender wrote. */
function senderAtFault(finding: Finding): boolean {
  return finding.input.kind === 'tree' && finding.run.result.violations.some((violation) => violation.clause.startsWith('sender.') && violation.clause !== 'sender.exit-status');
}

/**
 * Save `finding` in `corpusDir` (`replay` is the command that replays it). `provenance`
 * says where a Jazzer.js finding came from (its input file and libFuzzer corpus); null for
 * a pbt finding, which is placed by its seed and path.
 */
export function saveFinding(finding: Finding, corpusDir: string, replay: string, takenIds: ReadonlySet<string>, provenance: string | null = null): SavedFinding {
  if (senderAtFault(finding)) return { saved: false, why: 'the sender wrote a wrong stream: replay it with the command above' };
  const { result, stream } = finding.run;
  if (finding.input.kind === 'tree' && stream.length === 0) return { saved: false, why: 'the sender wrote nothing' };
  const first = result.violations[0];
  const settings = finding.input.kind === 'stream' ? finding.input.settings : { profile: 'default' as const, limits: {} };
  const clauses = [...new Set(result.violations.map((violation) => violation.clause))].filter((clause) => findClause(clause) !== undefined);
  try {
    const added = addToCorpus(
      {
        stream,
        sourceName: 'fuzz finding',
        category: REGRESSIONS,
        id: `${finding.property}-${slug(first?.clause ?? result.verdict)}-${caseDigest(stream, settings)}`,
        title: `found by qfc fuzz: ${(first?.detail ?? result.notes[0] ?? result.verdict).replace(/\s+/g, ' ').slice(0, 160)}`,
        ...(clauses.length === 0 ? {} : { clauses }),
        profile: settings.profile,
        limits: settings.limits,
        provenance: `${provenance ?? `qfc fuzz --engine pbt, property ${finding.property}, seed ${finding.seed}, path ${finding.path}`}, ${new Date().toISOString().slice(0, 10)}`,
        finding: {
          engine: provenance === null ? 'pbt' : 'jazzer',
          property: finding.property,
          seed: finding.seed,
          path: finding.path,
          replay,
          violations: result.violations,
          expected: result.expected,
          observed: result.observed,
        },
      },
      corpusDir,
      takenIds,
    );
    return { saved: true, id: added.id, path: added.path, added: added.added };
  } catch (error) {
    if (error instanceof CorpusError) return { saved: false, why: error.message };
    throw error;
  }
}
