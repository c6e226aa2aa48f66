/**
 * The verdict on one receiver run: the facts of the run (its result, exit status and tree
 * against the oracle's and upstream's predictions, the invariants, the containment) put
 * through the one verdict rule of decide-verdict.ts (INTERPRETING.md §4).
 */
import { decodeResult } from '../../spec/codec/result-header.js';
import { bytesEqual } from '../../spec/byte-string.js';
import { checkInvariants } from '../../spec/invariants/check-invariants.js';
import type { InvariantContext, Snapshot } from '../../spec/invariants/snapshot.js';
import type { Prediction } from '../../spec/model/prediction.js';
import { encodePathKey } from '../../spec/path-key.js';
import type { ContainedResult } from '../sandbox/run-contained.js';
import { treeDifferences, type TreeComparison } from '../sandbox/tree-difference.js';
import type { CaseViolation, Verdict } from './case-result.js';
import { containmentViolations } from './containment-violations.js';
import { decideVerdict } from './decide-verdict.js';

/** What the judge needs. */
export interface ReceiverEvidence {
  readonly spec: Prediction;
  readonly upstream: Prediction;
  readonly run: ContainedResult;
  readonly before: Snapshot;
  readonly after: Snapshot;
  readonly context: InvariantContext;
  readonly comparison: TreeComparison;
  readonly timeLimitMs: number;
  /** The prediction judged against (default the spec). */
  readonly oracle?: Oracle;
  /** Upstream's prediction again with another directory size (quirk 5); absent: none tried. */
  readonly repredict?: (directorySize: number) => Prediction;
}

/** The verdict with its reasons. */
export interface ReceiverJudgement {
  readonly verdict: Verdict;
  readonly violations: CaseViolation[];
  readonly notes: string[];
}

const TRUNCATION_CLAUSES = new Set(['recv.missing-end-marker', 'recv.truncated-name', 'file.truncated-content', 'link.truncated-target']);

/** Entries below the target, keyed relative to it (the predicted tree's keys). */
function targetTree(snapshot: Snapshot, targetPath: string): Snapshot {
  const prefix = `${targetPath}/`;
  return Object.fromEntries(Object.entries(snapshot).filter(([path]) => path.startsWith(prefix)).map(([path, entry]) => [path.slice(prefix.length), entry]));
}

/** How the run differs from `prediction` (empty when it is exactly that). */
function differences(prediction: Prediction, evidence: ReceiverEvidence): string[] {
  const { run } = evidence;
  const found: string[] = [];
  const decoded = decodeResult(run.stdout);
  const predicted = prediction.result;
  if (!predicted.sent) {
    if (run.stdout.length > 0) found.push('sent a result header where the receiver dies without one');
  } else if (!decoded.ok) {
    found.push(run.stdout.length === 0 ? 'sent no result header' : `sent a malformed result (${decoded.error.field} cut short)`);
  } else {
    const result = decoded.value;
    if (result.errorCode !== predicted.errorCode) found.push(`result code ${result.errorCode}, expected ${predicted.errorCode}`);
    if (result.crc32 !== predicted.crc32 || result.crcHigh !== 0) found.push(`CRC ${result.crc32.toString(16)}, expected ${predicted.crc32.toString(16)}`);
    if (result.pad !== 0) found.push(`result pad ${result.pad}, expected 0`);
    const want = predicted.lastName;
    const got = result.lastName;
    if (want === null && got !== null) found.push(`sent the last name ${JSON.stringify(encodePathKey(got))}, expected no extension`);
    if (want !== null && got === null) found.push(`sent no extension, expected the last name ${JSON.stringify(encodePathKey(want))}`);
    if (want !== null && got !== null && !bytesEqual(want, got)) found.push(`last name ${JSON.stringify(encodePathKey(got))}, expected ${JSON.stringify(encodePathKey(want))}`);
    if (result.trailing.length > 0) found.push(`${result.trailing.length} bytes after the result`);
  }
  if (run.status !== prediction.exitStatus) found.push(`exit status ${run.status ?? run.signal}, expected ${prediction.exitStatus}`);
  found.push(...treeDifferences(prediction.tree, targetTree(evidence.after, evidence.context.targetPath), evidence.comparison));
  return found;
}

/** Which prediction a run is judged against (`--oracle`). */
export type Oracle = 'spec' | 'upstream';

/**
 * Directory sizes to try when upstream counts them against the byte limit (quirk 5): the
 * filesystem decides them (ext4 4096, growing by blocks; tmpfs 40 + 20 per entry), so a run
 * whose only difference from upstream's prediction a size explains is upstream exactly.
 */
const DIRECTORY_SIZES = [4096, 8192, 12288, 16384, 20480, 40, 60, 80, 100, 120, 140, 160, 200, 240, 280, 320, 360, 400];

/** Upstream's prediction that the run matches once the filesystem's directory sizes are allowed for, if any. */
function upstreamWithDirectorySizes(evidence: ReceiverEvidence): Prediction | null {
  if (evidence.repredict === undefined || !evidence.upstream.quirks.includes('directory-size-counted')) return null;
  for (const size of DIRECTORY_SIZES) {
    const alternative = evidence.repredict(size);
    if (differences(alternative, evidence).length === 0) return alternative;
  }
  return null;
}

/** Judge one receiver run by the one verdict rule (decide-verdict.ts). */
export function judgeReceiver(evidence: ReceiverEvidence): ReceiverJudgement {
  const { run, spec, upstream } = evidence;
  const oracle = evidence.oracle === 'upstream' ? upstream : spec;
  const broken = [
    ...containmentViolations(run, 'the receiver', evidence.timeLimitMs),
    ...checkInvariants(evidence.before, evidence.after, evidence.context).map(({ clause, detail, path }) => ({ clause, detail: `${path}: ${detail}` })),
  ];
  const decoded = decodeResult(run.stdout);
  const observedSuccess = decoded.ok && decoded.value.errorCode === 0;
  const fromOracle = differences(oracle, evidence);
  let fromUpstream: string[] | null = null;
  let quirks: string[] = [...upstream.quirks];
  if (evidence.oracle !== 'upstream' && fromOracle.length > 0 && upstream.quirks.length > 0) {
    fromUpstream = differences(upstream, evidence);
    const sized = fromUpstream.length === 0 ? null : upstreamWithDirectorySizes(evidence);
    if (sized !== null) {
      fromUpstream = [];
      quirks = [...new Set([...quirks, ...sized.quirks])].map((quirk) => (quirk === 'directory-size-counted' ? `${quirk} (this filesystem's directory sizes)` : quirk));
    }
  }
  const decision = decideVerdict({
    broken,
    fromOracle,
    fromUpstream,
    upstreamQuirks: quirks,
    observedSuccess,
    crcMatches: observedSuccess && decoded.value.crc32 === oracle.result.crc32 && decoded.value.crcHigh === 0,
    oraclePredictsSuccess: oracle.result.sent && oracle.result.errorCode === 0,
    upstreamPredictsSuccess: upstream.result.sent && upstream.result.errorCode === 0,
    decidingClause: oracle.clause,
    cutShort: TRUNCATION_CLAUSES.has(oracle.clause),
    oracleOutcome: oracle.result.sent ? String(oracle.result.errorCode) : 'a failure',
    ...(observedSuccess ? { observedCrc: decoded.value.crc32.toString(16), expectedCrc: oracle.result.crc32.toString(16) } : {}),
  });
  return { verdict: decision.verdict, violations: decision.violations, notes: decision.notes };
}
