/**
 * How each side of a sender case runs as a program: the sender in the source directory with
 * the case's paths, the receiver in the target (read-only /tmp, a lane's when given), both
 * with the caps a whole transfer needs. Shared by every way of running a pair, so that a side
 * is contained alike whoever plays the other.
 */
import type { SenderProgram } from '../adapters/implementation.js';
import type { SenderCase } from '../catalogue/catalogue-case.js';
import type { ContainedRun } from '../sandbox/run-contained.js';
import type { SandboxLane } from '../sandbox/sandbox-lane.js';
import type { SandboxPaths } from '../sandbox/sandbox-root.js';
import { CAPTURE_CAP, containment, MIN_FILE_SIZE_CAP, programEnvironment, STDERR_CAP, type RunSettings } from './run-settings.js';

/** Largest answer a receiver may give (a result header and a name). */
const ANSWER_CAP = 1 << 20;

function common(sandbox: SandboxPaths, settings: RunSettings): Omit<ContainedRun, 'argv' | 'cwd'> {
  return {
    writableRoot: sandbox.root,
    stdin: null,
    env: programEnvironment(),
    timeLimitMs: settings.implementation.timeLimitMs,
    stdoutCap: CAPTURE_CAP,
    stderrCap: STDERR_CAP,
    fileSizeCap: CAPTURE_CAP + MIN_FILE_SIZE_CAP,
    ...containment(settings),
  };
}

/** The sender's run: its command, the case's paths, in the source directory. */
export function senderProgramRun(testCase: SenderCase, sender: SenderProgram, sandbox: SandboxPaths, settings: RunSettings): ContainedRun {
  return { ...common(sandbox, settings), argv: [...sender.argv, ...(testCase.ignoreSymlinks ? sender.ignoreSymlinks : []), ...testCase.paths], cwd: sandbox.source };
}

/** The receiver's run in a pair: `receiverArgv` in the target, in `lane` when given. */
export function pairReceiverRun(receiverArgv: readonly string[], sandbox: SandboxPaths, settings: RunSettings, lane?: SandboxLane): ContainedRun {
  return { ...common(sandbox, settings), argv: receiverArgv, cwd: sandbox.target, stdoutCap: ANSWER_CAP, readOnlyTmp: true, ...(lane === undefined ? {} : { lane }) };
}
