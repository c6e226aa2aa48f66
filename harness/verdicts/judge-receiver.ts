/**
 * The verdict on one receiver run (certify's rules, INTERPRETING.md §Verdicts):
 *
 *   fail        an invariant of §7 broken, a hang or a flood, success where the spec demands
 *               a failure (or with the wrong CRC), or a valid stream not reproduced exactly
 *   info        the run is what upstream does, quirks included (PROTOCOL §6)
 *   non-strict  safe, but the result differs from the spec's prediction
 *   pass        exactly the spec's prediction
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

/** Judge one receiver run. */
export function judgeReceiver(evidence: ReceiverEvidence): ReceiverJudgement {
  const { run, spec, upstream } = evidence;
  const violations: CaseViolation[] = [];
  violations.push(...containmentViolations(run, 'the receiver', evidence.timeLimitMs));
  violations.push(...checkInvariants(evidence.before, evidence.after, evidence.context).map(({ clause, detail, path }) => ({ clause, detail: `${path}: ${detail}` })));
  const decoded = decodeResult(run.stdout);
  const succeeded = decoded.ok && decoded.value.errorCode === 0;
  const predictedSuccess = spec.result.sent && spec.result.errorCode === 0;
  if (succeeded && !predictedSuccess) {
    // A success on a stream cut short breaks §7.5; on any other stream, the rule that refuses it.
    const cutShort = TRUNCATION_CLAUSES.has(spec.clause);
    violations.push({
      clause: cutShort ? 'inv.end-marker-required' : spec.clause,
      detail: `reported success where the spec demands ${spec.result.sent ? spec.result.errorCode : 'a failure'} (${spec.clause})`,
    });
  }
  if (succeeded && predictedSuccess && (decoded.value.crc32 !== spec.result.crc32 || decoded.value.crcHigh !== 0)) {
    violations.push({ clause: 'inv.crc-exact', detail: `success with CRC ${decoded.value.crc32.toString(16)}, not that of the stream through its end marker (${spec.result.crc32.toString(16)})` });
  }
  if (violations.length > 0) return { verdict: 'fail', violations, notes: [] };

  const fromSpec = differences(spec, evidence);
  if (fromSpec.length === 0) return { verdict: 'pass', violations, notes: [] };
  if (upstream.quirks.length > 0 && differences(upstream, evidence).length === 0) {
    return { verdict: 'info', violations, notes: [`behaves like upstream, with its quirk(s): ${upstream.quirks.join(', ')}`, ...fromSpec] };
  }
  if (predictedSuccess) {
    return { verdict: 'fail', violations: [{ clause: spec.clause, detail: `a valid stream was not reproduced exactly: ${fromSpec.join('; ')}` }], notes: fromSpec };
  }
  return { verdict: 'non-strict', violations, notes: fromSpec };
}
