/**
 * Run one receiver case: a fresh sandbox, the stream on the receiver's stdin, snapshots
 * before and after, the spec's and upstream's predictions, and the judge's verdict.
 */
import { toHex } from '../../spec/byte-string.js';
import { receiverValidatorFlags, resolveOptions, type ReceiverOptions } from '../../spec/model/options.js';
import { predict } from '../../spec/model/predict.js';
import type { Prediction } from '../../spec/model/prediction.js';
import type { Profile, ReceiverProgram } from '../adapters/implementation.js';
import { ENVIRONMENT_LIMITS, passLimits } from '../adapters/limits-contract.js';
import type { ReceiverCase } from '../catalogue/catalogue-case.js';
import { runContained, type ContainedResult } from '../sandbox/run-contained.js';
import type { SandboxLane } from '../sandbox/sandbox-lane.js';
import type { SandboxPaths } from '../sandbox/sandbox-root.js';
import { takeSnapshot, walkSnapshot } from '../sandbox/snapshot.js';
import type { CaseResult } from '../verdicts/case-result.js';
import { describePrediction, describeReceiverRun } from '../verdicts/describe-outcome.js';
import { judgeReceiver } from '../verdicts/judge-receiver.js';
import { inPhase, inPhaseAsync } from './case-phases.js';
import { inSandbox } from './in-sandbox.js';
import { containment, MIN_FILE_SIZE_CAP, programEnvironment, receivingUser, STDERR_CAP, STDOUT_CAP, STREAM_HEX_CAP, type RunSettings } from './run-settings.js';

/** The model's options for a profile. */
export function profileOptions(profile: Profile): ReceiverOptions {
  return { allowUnsafeCharacters: profile === 'allow-all-names', allowUnsafeSymlinks: profile === 'unsafe-symlinks' };
}

/** One receiver run to execute: the stream, in its sandbox, under a profile and limits. */
export interface ReceiverRun {
  readonly receiver: ReceiverProgram;
  readonly profileArgs: readonly string[];
  readonly stream: Uint8Array;
  readonly sandbox: SandboxPaths;
  readonly options: ReceiverOptions;
  readonly limits: ReceiverCase['limits'];
  readonly settings: RunSettings;
  /** The sandbox lane `sandbox` belongs to, if any: the program runs there. */
  readonly lane?: SandboxLane;
}

/**
 * How a receiver meets a stream: by default its program in the sandbox; the fuzz engine
 * also runs the reference receiver in-process. Either way the judge sees a ContainedResult.
 */
export type ReceiverExecutor = (run: ReceiverRun) => Promise<ContainedResult>;

/** The implementation's receiver program, contained, with the stream on stdin. */
export const runReceiverProgram: ReceiverExecutor = ({ receiver, profileArgs, stream, sandbox, limits, settings, lane }) => {
  const passed = passLimits(receiver.limits === undefined ? ENVIRONMENT_LIMITS : receiver.limits, limits);
  // runReceiverStream skips the cases whose limits the receiver cannot take
  const { args, env } = 'skip' in passed ? { args: [], env: {} } : passed;
  return runContained({
    argv: [...receiver.argv, ...profileArgs, ...args],
    cwd: sandbox.target,
    writableRoot: sandbox.root,
    stdin: stream,
    env: programEnvironment({}, env),
    timeLimitMs: settings.implementation.timeLimitMs,
    stdoutCap: STDOUT_CAP,
    stderrCap: STDERR_CAP,
    fileSizeCap: Math.max(MIN_FILE_SIZE_CAP, 2 * stream.length),
    readOnlyTmp: true,
    ...containment(settings),
    ...(lane === undefined ? {} : { lane }),
  });
};

/** A receiver case's verdict, with the spec's prediction behind it (null when it did not run). */
export interface ReceiverCaseRun {
  readonly result: CaseResult;
  readonly prediction: Prediction | null;
  readonly stream: Uint8Array | null;
}

/** A case that could not be run as asked. */
function notRun(testCase: ReceiverCase, verdict: 'skipped' | 'error', why: string): CaseResult {
  return { id: testCase.id, kind: 'receiver', category: testCase.category, title: testCase.title, clauses: testCase.clauses, profile: testCase.profile, verdict, expected: {}, observed: {}, violations: [], notes: [why], ms: 0 };
}

export async function runReceiverCase(testCase: ReceiverCase, settings: RunSettings): Promise<CaseResult> {
  return (await runReceiverStream(testCase, settings)).result;
}

/** Run one receiver case with `execute` and judge it; also returns the prediction it was judged by. */
export async function runReceiverStream(testCase: ReceiverCase, settings: RunSettings, execute: ReceiverExecutor = runReceiverProgram): Promise<ReceiverCaseRun> {
  const skipped = (verdict: 'skipped' | 'error', why: string): ReceiverCaseRun => ({ result: notRun(testCase, verdict, why), prediction: null, stream: null });
  const receiver = settings.implementation.receiver;
  if (receiver === null) return skipped('skipped', 'the implementation has no receiver');
  const profileArgs = receiver.profiles[testCase.profile];
  if (profileArgs === undefined) return skipped('skipped', `the receiver does not support the ${testCase.profile} profile`);
  const passed = passLimits(receiver.limits === undefined ? ENVIRONMENT_LIMITS : receiver.limits, testCase.limits);
  if ('skip' in passed) return skipped('skipped', passed.skip);
  const user = receivingUser(settings);
  return inSandbox(settings, testCase.id, async (sandbox, lane) => {
    const stream = testCase.stream(sandbox);
    const options: ReceiverOptions = {
      ...profileOptions(testCase.profile),
      bytesLimit: testCase.limits.bytes ?? 0n,
      filesLimit: testCase.limits.files ?? 0n,
      privileged: user.uid === 0,
    };
    const spec = inPhase('predict', () => predict(stream, options));
    const upstream = inPhase('predict', () => predict(stream, { ...options, mode: 'upstream' }));
    const before = inPhase('snapshot-before', () => takeSnapshot(sandbox.root));
    const run = await inPhaseAsync('run', () => execute({ receiver, profileArgs, stream, sandbox, options, limits: testCase.limits, settings, ...(lane === undefined ? {} : { lane }) }));
    if (run.spawnError !== null) return skipped('error', `cannot start the receiver: ${run.spawnError}`);
    const { snapshot: after, overflow } = inPhase('snapshot-after', () => walkSnapshot(sandbox.root));
    const resolved = resolveOptions(options);
    const judgement = inPhase('judge', () => judgeReceiver({
      spec,
      upstream,
      run,
      before,
      after,
      context: { targetPath: 'target', uid: user.uid, gid: user.gid, validatorFlags: receiverValidatorFlags(resolved), bytesLimit: resolved.bytesLimit, filesLimit: resolved.filesLimit },
      comparison: { timeResolutionNs: receiver.timeResolution === 'us' ? 1000n : 1n },
      timeLimitMs: settings.implementation.timeLimitMs,
      oracle: settings.oracle ?? 'spec',
      repredict: (directorySize) => predict(stream, { ...options, mode: 'upstream', directorySize }),
    }));
    const result: CaseResult = {
      id: testCase.id,
      kind: 'receiver',
      category: testCase.category,
      title: testCase.title,
      clauses: testCase.clauses,
      profile: testCase.profile,
      verdict: overflow === null ? judgement.verdict : 'fail',
      expected: { ...describePrediction(spec), ...(upstream.quirks.length > 0 ? { upstream: describePrediction(upstream) } : {}) },
      observed: describeReceiverRun(run.stdout, run.status, run.signal, run.stderr, after),
      violations: overflow === null ? judgement.violations : [{ clause: 'inv.bounded', detail: `the receiver left a tree too large to judge: ${overflow}` }, ...judgement.violations],
      notes: judgement.notes,
      ms: run.ms,
      ...(run.timedOut ? { timedOut: true } : {}),
      ...(run.supervision?.peakRssKiB == null ? {} : { peakMemoryKiB: run.supervision.peakRssKiB }),
      ...(judgement.verdict === 'pass' && overflow === null ? {} : { streamHex: toHex(stream.subarray(0, STREAM_HEX_CAP)), streamLength: stream.length }),
    };
    return { result, prediction: spec, stream };
  }, execute === runReceiverProgram);
}
