/**
 * Run one sender case: build the source tree, run the implementation's sender against a
 * receiver (the implementation's own, else the reference; or a scripted bad answer), with
 * qfc in the middle of the pipe capturing the stream, and judge:
 *
 *   - the sender's exit status is the one the spec demands, without a crash or a hang;
 *   - with a real receiver, the captured stream is what PROTOCOL §5 says: every entry of
 *     the source once (a directory's header again after its children), no special files,
 *     names NUL-terminated, link targets without NUL, the end marker; and the tree it
 *     describes is the source tree (content, mode, mtime, link targets);
 *   - a hostile remote name never reaches stderr unsanitized.
 */
import { decodeResult } from '../../spec/codec/result-header.js';
import { treeDifferences } from '../sandbox/tree-difference.js';
import { join, normalize } from 'node:path';
import { toHex, utf8 } from '../../spec/byte-string.js';
import { predict } from '../../spec/model/predict.js';
import type { Prediction, TreeEntry } from '../../spec/model/prediction.js';
import { tokenize } from '../../spec/tokenizer/tokenize.js';
import { encodePathKey } from '../../spec/path-key.js';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../../spec/constants.js';
import type { Snapshot } from '../../spec/invariants/snapshot.js';
import { PACKAGE_ROOT } from '../package-root.js';
import type { SenderCase } from '../catalogue/catalogue-case.js';
import { checkInvariants } from '../../spec/invariants/check-invariants.js';
import type { InvariantContext } from '../../spec/invariants/snapshot.js';
import { receiverValidatorFlags, resolveOptions } from '../../spec/model/options.js';
import type { SenderProgram } from '../adapters/implementation.js';
import { startContained, type ContainedResult } from '../sandbox/run-contained.js';
import type { SandboxLane } from '../sandbox/sandbox-lane.js';
import { chownTree, type SandboxPaths } from '../sandbox/sandbox-root.js';
import { takeSnapshot, walkSnapshot } from '../sandbox/snapshot.js';
import type { CaseResult, CaseViolation } from '../verdicts/case-result.js';
import { containmentViolations } from '../verdicts/containment-violations.js';
import { inSandbox } from './in-sandbox.js';
import { pairReceiverRun, senderProgramRun } from './pair-program-runs.js';
import { runReferenceSenderInProcess } from './reference-sender-in-process.js';
import { receivingUser, STREAM_HEX_CAP, type RunSettings } from './run-settings.js';
import { runReceiverSideInProcess } from './receiver-side-in-process.js';

const SCRIPTED_RECEIVER = join(PACKAGE_ROOT, 'dist', 'bin', 'qfc-scripted-receiver.js');
const JS_STACK = /^\s+at .+:\d+:\d+\)?$/m;
const UNSAFE_DISPLAY = (byte: number): boolean => byte < 0x20 || byte > 0x7e;

/** The tree a receiver should build from the source (what the sender had to send). */
interface SourceEntryWanted {
  readonly type: string;
  readonly mode: number;
  readonly digest: string | null;
  readonly target: string | null;
  readonly mtimeNs: bigint;
  /**
   * Compared only when it lies after both now and the mtime: then relatime leaves it alone
   * when the sender reads the entry; otherwise the read may have moved it.
   */
  readonly atimeNs: bigint | null;
}

function sourceTree(source: Snapshot, paths: readonly string[], ignoreSymlinks: boolean): Map<string, SourceEntryWanted> {
  const wanted = new Map<string, SourceEntryWanted>();
  const now = BigInt(Date.now()) * 1_000_000n;
  // Snapshot keys are path keys (a backslash escaped, say): so must the roots be.
  const roots = paths.map((path) => encodePathKey(utf8(normalize(path).replace(/\/+$/, ''))));
  for (const [key, entry] of Object.entries(source)) {
    const root = roots.find((candidate) => key === candidate || key.startsWith(`${candidate}/`));
    if (root === undefined) continue;
    if (entry.type !== 'file' && entry.type !== 'directory' && entry.type !== 'symlink') continue;
    if (entry.type === 'symlink' && ignoreSymlinks) continue;
    const base = root.includes('/') ? root.slice(root.lastIndexOf('/') + 1) : root;
    const sent = key === root ? base : `${base}${key.slice(root.length)}`;
    wanted.set(sent, { type: entry.type, mode: entry.mode & 0o7777 & ~0o6000, digest: entry.digest, target: entry.linkTarget, mtimeNs: entry.mtimeNs, atimeNs: entry.atimeNs > now && entry.atimeNs > entry.mtimeNs ? entry.atimeNs : null });
  }
  return wanted;
}

/** Structural rules of §5 on the captured stream. */
function streamViolations(captured: Uint8Array, expectEnd: boolean): CaseViolation[] {
  const violations: CaseViolation[] = [];
  const events = tokenize(captured);
  const names: { name: string; type: number; index: number }[] = [];
  let header: number | null = null;
  for (const event of events) {
    if (event.kind === 'header') header = event.header.mode & S_IFMT;
    if (event.kind === 'name') {
      if (event.raw[event.raw.length - 1] !== 0 || event.name.length !== event.raw.length - 1) violations.push({ clause: 'sender.names', detail: `name ${JSON.stringify(encodePathKey(event.name))} is not sent with exactly one terminating NUL` });
      if (header !== S_IFREG && header !== S_IFDIR && header !== S_IFLNK) violations.push({ clause: 'sender.types', detail: `sent an entry of type 0o${(header ?? 0).toString(8)}: ${encodePathKey(event.name)}` });
      names.push({ name: encodePathKey(event.name), type: header ?? 0, index: names.length });
    }
    if (event.kind === 'link-target' && event.raw.includes(0)) violations.push({ clause: 'wire.symlink-payload', detail: 'a link target carries a NUL' });
  }
  const last = events[events.length - 1];
  if (expectEnd && events.every((event) => event.kind !== 'end-marker')) violations.push({ clause: 'sender.end-marker', detail: `the stream has no end marker (it ends with ${last?.kind})` });
  // A stream its receiver cut short (it failed, or ended without an answer) is only a prefix:
  // its directories need not be closed yet.
  for (const directory of expectEnd ? names.filter((entry) => entry.type === S_IFDIR) : []) {
    const all = names.filter((entry) => entry.name === directory.name);
    if (all.length !== 2) {
      if (all[0] === directory) violations.push({ clause: 'sender.walk', detail: `directory ${directory.name} is sent ${all.length} time(s), not twice` });
      continue;
    }
    const inside = names.filter((entry) => entry.name.startsWith(`${directory.name}/`));
    if (inside.some((entry) => entry.index < all[0]!.index || entry.index > all[1]!.index)) {
      violations.push({ clause: 'sender.walk', detail: `directory ${directory.name}'s headers do not enclose its children` });
    }
  }
  return violations;
}

/** The received tree (from the captured stream) against the source. */
function treeViolations(predicted: readonly TreeEntry[], wanted: ReturnType<typeof sourceTree>): CaseViolation[] {
  const violations: CaseViolation[] = [];
  const got = new Map(predicted.map((entry) => [entry.path, entry]));
  for (const [path, want] of wanted) {
    const entry = got.get(path);
    if (entry === undefined) {
      violations.push({ clause: want.type === 'symlink' ? 'sender.types' : 'sender.walk', detail: `${path} (${want.type}) was not sent` });
      continue;
    }
    const problems: string[] = [];
    if (entry.type !== want.type) problems.push(`type ${entry.type}, source ${want.type}`);
    if (entry.type !== 'symlink' && (entry.mode & 0o7777) !== want.mode) problems.push(`mode ${(entry.mode & 0o7777).toString(8)}, source ${want.mode.toString(8)}`);
    if (entry.type === 'file' && entry.digest !== want.digest) problems.push('content differs');
    if (entry.type === 'symlink' && entry.target !== want.target) problems.push(`target ${entry.target}, source ${want.target}`);
    if (entry.type !== 'symlink' && entry.mtimeNs !== null && entry.mtimeNs !== want.mtimeNs) problems.push(`mtime ${entry.mtimeNs}, source ${want.mtimeNs}`);
    if (entry.type !== 'symlink' && entry.atimeNs !== null && want.atimeNs !== null && entry.atimeNs !== want.atimeNs) problems.push(`atime ${entry.atimeNs}, source ${want.atimeNs}`);
    if (problems.length > 0) violations.push({ clause: 'sender.walk', detail: `${path}: ${problems.join(', ')}` });
  }
  for (const path of got.keys()) if (!wanted.has(path)) violations.push({ clause: 'sender.types', detail: `${path} was sent but is not in the source (or must be skipped)` });
  return violations;
}

/** One sender run to execute: the sender's command and the receiver it meets, in a sandbox. */
export interface SenderPairRun {
  readonly testCase: SenderCase;
  readonly sender: SenderProgram;
  /** The receiver's command (a program or the scripted receiver). */
  readonly receiverArgv: readonly string[];
  readonly sandbox: SandboxPaths;
  readonly settings: RunSettings;
  /** The sandbox lane `sandbox` belongs to, for an executor that runs one program only. */
  readonly lane?: SandboxLane;
}

/** What a sender run gave: both sides' runs and the stream between them. */
export interface SenderPairResult {
  readonly senderRun: ContainedResult;
  readonly receiverRun: ContainedResult;
  readonly stream: Buffer;
}

/**
 * How a sender meets its receiver: by default both programs in the sandbox with qfc
 * relaying the pipe; the fuzz engine also runs the reference pair in-process.
 */
export type SenderPairExecutor = (run: SenderPairRun) => Promise<SenderPairResult>;

/** Both programs contained, qfc in the middle of the pipe capturing the stream. */
export const runSenderPrograms: SenderPairExecutor = async ({ testCase, sender, receiverArgv, sandbox, settings }) => {
  const senderProcess = startContained(senderProgramRun(testCase, sender, sandbox, settings));
  const receiverProcess = startContained(pairReceiverRun(receiverArgv, sandbox, settings));
  const captured: Buffer[] = [];
  let relay = Promise.resolve();
  senderProcess.onStdout((chunk) => {
    captured.push(chunk);
    relay = relay.then(() => receiverProcess.write(chunk));
  });
  receiverProcess.onStdout((chunk) => void senderProcess.write(chunk));
  // A side's output ending is the other side's end of input, as through qrexec.
  senderProcess.onStdoutEnd(() => void relay.then(() => receiverProcess.end()));
  receiverProcess.onStdoutEnd(() => senderProcess.end());
  const [senderRun, receiverRun] = await Promise.all([senderProcess.done, receiverProcess.done]);
  return { senderRun, receiverRun, stream: Buffer.concat(captured) };
};

/**
 * How a sender case runs when nothing else is asked: the side that is not under test runs
 * in-process when it is qfc's own (the reference sender for a receiver under test; the
 * reference or scripted receiver for a sender under test, unless the programs run as another
 * user, whose files the in-process receiver could not make), both as programs otherwise or on
 * the slow path.
 */
function pairExecutor(testCase: SenderCase, settings: RunSettings, pairsWithReference: boolean): SenderPairExecutor {
  if (settings.referenceInProcess === false) return runSenderPrograms;
  if (pairsWithReference) return runReferenceSenderInProcess;
  const scripted = testCase.answer !== 'receiver';
  const referenceReceives = testCase.answer === 'receiver' && settings.implementation.receiver === null && settings.owner === null;
  return scripted || referenceReceives ? runReceiverSideInProcess : runSenderPrograms;
}

export async function runSenderCase(testCase: SenderCase, settings: RunSettings): Promise<CaseResult> {
  return (await runSenderPair(testCase, settings)).result;
}

/** Run one sender case with `execute` and judge it; also returns the stream the sender wrote. */
export async function runSenderPair(testCase: SenderCase, settings: RunSettings, chosen?: SenderPairExecutor): Promise<{ result: CaseResult; stream: Uint8Array; prediction: Prediction | null }> {
  const own = settings.implementation.sender;
  const base = { id: testCase.id, kind: 'sender' as const, category: testCase.category, title: testCase.title, clauses: testCase.clauses, profile: testCase.ignoreSymlinks ? 'ignore-symlinks' : 'default' };
  // Without a sender of its own, an implementation's receiver still meets the reference
  // sender in the cases with a real receiver (ref→ext); the scripted ones test senders only.
  const pairsWithReference = own === null && testCase.answer === 'receiver' && settings.implementation.receiver !== null;
  const sender = own ?? (pairsWithReference ? settings.reference.sender : null);
  if (sender === null) return { result: { ...base, verdict: 'skipped', expected: {}, observed: {}, violations: [], notes: ['the implementation has no sender'], ms: 0 }, stream: new Uint8Array(0), prediction: null };
  // The reference sender's stream is a pure function of the source tree: qfc writes it itself
  // rather than start qfile-agent, and the receiver alone then runs, in a lane when there are.
  const execute = chosen ?? pairExecutor(testCase, settings, pairsWithReference);
  return inSandbox(settings, testCase.id, async (sandbox, lane) => {
    await testCase.build(sandbox.source);
    if (settings.owner !== null) chownTree(sandbox.source, settings.owner);
    const source = takeSnapshot(sandbox.source);
    const receiverArgv =
      testCase.answer === 'receiver'
        ? [...(settings.implementation.receiver ?? settings.reference.receiver!).argv]
        : [process.execPath, SCRIPTED_RECEIVER, JSON.stringify(testCase.answer)];
    const before = takeSnapshot(sandbox.root);
    const { senderRun, receiverRun, stream } = await execute({ testCase, sender, receiverArgv, sandbox, settings, ...(lane === undefined ? {} : { lane }) });
    const { snapshot: after, overflow } = walkSnapshot(sandbox.root);
    const received = testCase.answer === 'receiver' ? targetEntries(after) : null;
    const timeResolution = (settings.implementation.receiver ?? settings.reference.receiver!).timeResolution === 'us' ? 1000n : 1n;
    // What the spec makes of the stream the sender wrote (judged, and the clauses it exercised).
    const sides = { sender: own === null ? 'the sender (reference)' : 'the sender', receiver: settings.implementation.receiver === null ? 'the receiver (reference)' : 'the receiver' };
    // The stream against the source is the sender's affair, whoever receives it; what the
    // receiver left is judged for the receiving user, against the spec or upstream's quirks.
    const prediction = testCase.answer === 'receiver' ? predict(stream, { privileged: true }) : null;
    const receiving = { privileged: receivingUser(settings).uid === 0 };
    const receivedJudgement = received === null ? null : judgeReceived(receiverRun, received, predict(stream, receiving), predict(stream, { ...receiving, mode: 'upstream' }), timeResolution, sides.receiver);
    const judged = judgeSender({ testCase, senderRun, receiverRun, stream, prediction, source, received: receivedJudgement, sides, timeLimitMs: settings.implementation.timeLimitMs });
    // Whatever the sender sent, the receiver's side of the sandbox must keep §7's invariants.
    const user = receivingUser(settings);
    const context: InvariantContext = { targetPath: 'target', uid: user.uid, gid: user.gid, validatorFlags: receiverValidatorFlags(resolveOptions({})), bytesLimit: 0n, filesLimit: 0n };
    const broken = checkInvariants(without(before, 'source'), without(after, 'source'), context).map(({ clause, detail, path }) => ({ clause, detail: `${sides.receiver}: ${path}: ${detail}` }));
    const violations = [...(overflow === null ? [] : [{ clause: 'inv.bounded', detail: `the programs left a tree too large to judge: ${overflow}` }]), ...broken, ...judged.violations];
    const peaks = [senderRun, receiverRun].map((run) => run.supervision?.peakRssKiB ?? null).filter((peak): peak is number => peak !== null);
    const result: CaseResult = {
      ...base,
      ...judged,
      verdict: judged.verdict === 'error' ? 'error' : violations.length > 0 ? 'fail' : receivedJudgement?.quirks != null || judged.verdict === 'info' ? 'info' : 'pass',
      notes: [...judged.notes, ...(receivedJudgement?.notes ?? [])],
      violations,
      ms: senderRun.ms,
      ...(senderRun.timedOut || receiverRun.timedOut ? { timedOut: true } : {}),
      ...(peaks.length > 0 ? { peakMemoryKiB: Math.max(...peaks) } : {}),
      ...(stream.length > 0 ? { streamHex: toHex(stream.subarray(0, STREAM_HEX_CAP)), streamLength: stream.length } : {}),
    };
    return { result, stream, prediction };
  }, execute === runReferenceSenderInProcess);
}

/** Entries below `target/`, keyed relative to it. */
function targetEntries(snapshot: Snapshot): Snapshot {
  return Object.fromEntries(Object.entries(snapshot).filter(([path]) => path.startsWith('target/')).map(([path, entry]) => [path.slice('target/'.length), entry]));
}

/** The snapshot without the sender's own directory (the sender reads it; the receiver must not touch it, which the source check covers). */
function without(snapshot: Snapshot, top: string): Snapshot {
  return Object.fromEntries(Object.entries(snapshot).filter(([path]) => path !== top && !path.startsWith(`${top}/`)));
}

/** What the receiver made of the stream, judged like a receiver case: against the spec, or upstream with its quirks. */
interface ReceivedJudgement {
  readonly violations: CaseViolation[];
  /** Set when the received tree is upstream's, quirks included (`info`). */
  readonly quirks: readonly string[] | null;
  readonly notes: string[];
}

/**
 * The receiver's answer and tree against what it should make of the stream the sender wrote:
 * the spec's prediction for the receiving user, or, when upstream's prediction shows quirks and
 * the run is exactly that, upstream's (an `info`, as in a receiver case).
 */
function judgeReceived(receiverRun: ContainedResult, received: Snapshot, spec: Prediction, upstream: Prediction, resolution: bigint, who: string): ReceivedJudgement {
  const comparison = { timeResolutionNs: resolution };
  const answer = (prediction: Prediction): string[] => {
    const decoded = decodeResult(receiverRun.stdout);
    const code = decoded.ok ? decoded.value.errorCode : null;
    const want = prediction.result.sent ? prediction.result.errorCode : null;
    return code === want ? [] : [`answered ${code === null ? 'no result' : `result ${code}`}, expected ${want === null ? 'no result' : `result ${want}`}`];
  };
  const fromSpec = [...answer(spec), ...treeDifferences(spec.tree, received, comparison)];
  if (fromSpec.length === 0) return { violations: [], quirks: null, notes: [] };
  if (upstream.quirks.length > 0 && answer(upstream).length === 0 && treeDifferences(upstream.tree, received, comparison).length === 0) {
    return { violations: [], quirks: upstream.quirks, notes: [`${who} behaves like upstream, with its quirk(s): ${upstream.quirks.join(', ')}`, ...fromSpec] };
  }
  return { violations: fromSpec.map((detail) => ({ clause: 'recv.end-success', detail: `${who}: ${detail}` })), quirks: null, notes: [] };
}

/**
 * The hang, flood, memory, leftovers and sandbox kills of both sides, each named after its
 * side. When both hung, the one that kept the other waiting is blamed: a receiver that got the
 * whole stream (its end marker) owes the result, a sender that never finished the stream owes it.
 */
function sideViolations(testCase: SenderCase, senderRun: ContainedResult, receiverRun: ContainedResult, stream: Uint8Array, sides: { sender: string; receiver: string }, timeLimitMs: number): CaseViolation[] {
  const realReceiver = testCase.answer === 'receiver';
  const streamComplete = tokenize(stream).some((event) => event.kind === 'end-marker');
  const receiverHung = realReceiver && receiverRun.timedOut;
  const blameSenderForHang = senderRun.timedOut && !(receiverHung && streamComplete);
  const violations = containmentViolations({ ...senderRun, timedOut: blameSenderForHang }, sides.sender, timeLimitMs);
  if (!realReceiver) return violations;
  const blameReceiverForHang = receiverRun.timedOut && (streamComplete || !senderRun.timedOut);
  violations.push(...containmentViolations({ ...receiverRun, timedOut: blameReceiverForHang }, sides.receiver, timeLimitMs));
  if (receiverRun.signal !== null && !receiverRun.timedOut && receiverRun.signal !== 'SIGSYS' && receiverRun.flooded === null && receiverRun.supervision?.memoryExceeded !== true && receiverRun.supervision?.stopped !== true) {
    violations.push({ clause: 'recv.end-success', detail: `${sides.receiver} died of ${receiverRun.signal}` });
  }
  return violations;
}

/** Everything a sender case is judged on. */
interface SenderEvidence {
  readonly testCase: SenderCase;
  readonly senderRun: ContainedResult;
  readonly receiverRun: ContainedResult;
  /** The stream the sender wrote, as captured. */
  readonly stream: Uint8Array;
  /** The spec's prediction for that stream (null for scripted receivers). */
  readonly prediction: Prediction | null;
  /** The source tree before the sender ran. */
  readonly source: Snapshot;
  readonly received: ReceivedJudgement | null;
  /** How each side is named in violations ("the sender (reference)"...). */
  readonly sides: { readonly sender: string; readonly receiver: string };
  readonly timeLimitMs: number;
}

function judgeSender(evidence: SenderEvidence): Omit<CaseResult, 'id' | 'kind' | 'category' | 'title' | 'clauses' | 'profile' | 'ms'> {
  const { testCase, senderRun, receiverRun, stream, prediction, source, received, sides, timeLimitMs } = evidence;
  const violations: CaseViolation[] = [];
  const notes: string[] = [];
  const stderr = senderRun.stderr.toString('utf8');
  if (senderRun.spawnError !== null) {
    return { verdict: 'error', expected: {}, observed: {}, violations, notes: [`cannot start the sender: ${senderRun.spawnError}`] };
  }
  if (testCase.answer === 'receiver' && receiverRun.spawnError !== null) {
    return { verdict: 'error', expected: {}, observed: {}, violations, notes: [`cannot start the receiver: ${receiverRun.spawnError}`] };
  }
  violations.push(...sideViolations(testCase, senderRun, receiverRun, stream, sides, timeLimitMs));
  // SIGPIPE after its receiver went away is how a sender learns it, not a crash.
  const brokenPipe = senderRun.signal === 'SIGPIPE' && testCase.answer === 'receiver' && !(decodeResult(receiverRun.stdout).ok);
  if (senderRun.signal !== null && !brokenPipe && !senderRun.timedOut && senderRun.signal !== 'SIGSYS' && senderRun.flooded === null && senderRun.supervision?.memoryExceeded !== true) violations.push({ clause: 'sender.hostile-result', detail: `${sides.sender} died of ${senderRun.signal}` });
  if (JS_STACK.test(stderr)) violations.push({ clause: 'sender.hostile-result', detail: 'the sender crashed (a stack trace on stderr)' });
  // A sender killed because its receiver hung has no exit status of its own to judge.
  // Against a real receiver the sender must exit 0 exactly when that receiver reported success.
  const decoded = decodeResult(receiverRun.stdout);
  const receiverSucceeded = decoded.ok && decoded.value.errorCode === 0;
  const wantedExit = testCase.answer === 'receiver' && !receiverSucceeded ? 1 : testCase.exitStatus;
  const upstreamExit = testCase.upstream !== undefined && senderRun.status === testCase.upstream.exitStatus && senderRun.status !== wantedExit;
  if (upstreamExit) notes.push(`behaves like upstream's sender: ${testCase.upstream!.why}`);
  if (senderRun.status !== null && senderRun.status !== wantedExit && !upstreamExit && !(senderRun.timedOut && receiverRun.timedOut)) {
    violations.push({ clause: 'sender.exit-status', detail: `${sides.sender} exited ${senderRun.status}, the spec demands ${wantedExit}${wantedExit !== testCase.exitStatus ? ' (its receiver reported a failure)' : ''}` });
  }
  if (testCase.exitStatus === 1 && !upstreamExit && stderr.trim() === '') violations.push({ clause: 'sender.messages', detail: 'the sender failed without a message' });
  if (testCase.unsafeRemoteName !== undefined) {
    const leaked = [...testCase.unsafeRemoteName].filter(UNSAFE_DISPLAY).filter((byte) => byte !== 0x0a && senderRun.stderr.includes(byte));
    if (leaked.length > 0) violations.push({ clause: 'sender.sanitize-name', detail: `unsanitized bytes of the remote name reached stderr: ${leaked.map((b) => `0x${b.toString(16)}`).join(' ')}` });
  }
  let tree: string[] = [];
  if (prediction !== null) {
    // When the receiver failed, the sender rightly stops: what it sent is judged as a prefix.
    const wholeStreamDue = testCase.exitStatus === 0 && (testCase.answer !== 'receiver' || receiverSucceeded);
    violations.push(...streamViolations(stream, wholeStreamDue));
    if (wholeStreamDue) {
      tree = prediction.tree.map((entry) => `${entry.type} ${entry.path}`);
      if (prediction.result.errorCode !== 0) violations.push({ clause: 'sender.walk', detail: `the stream is refused by the spec: result ${prediction.result.errorCode} (${prediction.clause})` });
      else {
        const wanted = sourceTree(source, testCase.paths, testCase.ignoreSymlinks);
        violations.push(...treeViolations(prediction.tree, wanted));
        if (received !== null) violations.push(...received.violations);
      }
    }
  }
  return {
    verdict: violations.length > 0 ? 'fail' : notes.length > 0 ? 'info' : 'pass',
    expected: { exitStatus: testCase.exitStatus, answer: testCase.answer },
    observed: {
      exitStatus: senderRun.status,
      ...(senderRun.signal === null ? {} : { signal: senderRun.signal }),
      stderr: stderr.slice(0, 2048),
      streamBytes: stream.length,
      receiverExitStatus: receiverRun.status,
      ...(tree.length > 0 ? { tree } : {}),
    },
    violations,
    notes,
  };
}
