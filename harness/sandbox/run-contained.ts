/**
 * Run one implementation program, contained, with hard limits (INTERPRETING.md §2).
 *
 * Every program runs under qfc's supervisor, qfc-init (native/qfc-init.c): PID 1 of the
 * program's own PID namespace, it applies the resource limits, measures peak memory, kills the
 * run when it goes over its memory cap, and when the program exits it names and kills whatever
 * the program left running. It reports on a descriptor the program does not hold.
 *
 * Under bubblewrap the program sees only a read-only view of the host (host-view.ts), its
 * sandbox root writable, a private /tmp, no network, no capability beyond the file-permission
 * ones a root receiver is predicted to use, and a seccomp filter that kills it for a system call
 * no receiver needs (seccomp-filter.ts). Without bwrap it is unconfined (the caller says so
 * loudly); the supervisor still gives it a PID namespace where it can, so it cannot signal qfc.
 *
 * Under bwrap the program's stdin and stdout are FIFOs, not the pipes bwrap inherits: bwrap's
 * monitor process keeps its own copies of inherited descriptors open until it exits, so a
 * program that closes its stdout (the OpenInVM client after its file, a sender after its end
 * marker) would never be seen to do so. The supervisor opens the FIFOs, says so on the report
 * descriptor, and only the program then holds them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { containedArgv, REPORT_FD, type FifoPair } from './contained-argv.js';
import { initProgramPath } from './init-program.js';
import type { SandboxLane } from './sandbox-lane.js';
import { seccompFile } from './seccomp-file.js';
import type { Supervision } from './supervision.js';
import { watchProgram, type LaunchEnd, type ProgramLaunch } from './watch-program.js';

/** How a program is confined. */
export type Confinement = 'bwrap' | 'none';

/** What to run. */
export interface ContainedRun {
  readonly argv: readonly string[];
  readonly cwd: string;
  /** The only writable directory under bwrap. */
  readonly writableRoot: string;
  /** Bytes for stdin (runContained), or null for none. */
  readonly stdin: Uint8Array | null;
  readonly env: Readonly<Record<string, string>>;
  readonly timeLimitMs: number;
  readonly stdoutCap: number;
  readonly stderrCap: number;
  /** RLIMIT_FSIZE for the program, in bytes. */
  readonly fileSizeCap: number;
  /** The run's memory cap in bytes: resident memory of all its processes together. */
  readonly memoryLimit: number;
  readonly confinement: Confinement;
  /** Host paths to show (read-only) besides the system's: the programs' own files (host-view.ts). */
  readonly visiblePaths?: readonly string[];
  /**
   * Make the private /tmp read-only (the sandbox root stays writable): for receivers, which
   * must write nowhere but their target, so that a climb past the sandbox root fails instead
   * of landing unseen in a scratch /tmp that vanishes with the run.
   */
  readonly readOnlyTmp?: boolean;
  /** Run as this user and group (requires root). */
  readonly uid?: number;
  readonly gid?: number;
  /**
   * Host directories the program may write besides its sandbox root (`qfc certify --coverage`:
   * where its coverage data goes), bound at the same path. Nothing else of the host is writable.
   */
  readonly writablePaths?: readonly string[];
  /** Variables added to `env` for every program of the run (`--coverage`: NODE_V8_COVERAGE). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /**
   * Run in this sandbox lane instead of a bubblewrap of its own (sandbox-lane.ts): the lane's
   * sandbox root, user, visible paths and read-only /tmp are the run's.
   */
  readonly lane?: SandboxLane;
}

/** What happened. */
export interface ContainedResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly timedOut: boolean;
  /** stdout or stderr went over its cap (the program was killed). */
  readonly flooded: 'stdout' | 'stderr' | null;
  /** The program could not be started at all (a harness-side problem). */
  readonly spawnError: string | null;
  readonly ms: number;
  /** What the supervisor saw (absent for runs that are not programs, like in-process ones). */
  readonly supervision?: Supervision;
}

export { MAX_PROCESSES, ROOT_CAPABILITIES, SANDBOX_ALIAS, containedArgv } from './contained-argv.js';

let bwrapWorks: boolean | undefined;

/** True when bubblewrap is installed and can create its namespaces here. */
export function bwrapAvailable(): boolean {
  if (bwrapWorks === undefined) {
    const probe = spawnSync('bwrap', ['--ro-bind', '/', '/', '--unshare-net', '--unshare-pid', '--die-with-parent', '--', 'true'], { stdio: 'ignore', timeout: 10_000 });
    bwrapWorks = probe.status === 0;
  }
  return bwrapWorks;
}

/** Make FIFOs named `names` in a fresh directory beside `writableRoot`; returns the directory. */
export function makeFifoDirectory(writableRoot: string, names: readonly string[]): string {
  const dir = mkdtempSync(join(dirname(writableRoot), '.qfc-io-'));
  chmodSync(dir, 0o755); // reachable for a program run as another user
  const made = spawnSync('mkfifo', ['-m', '0666', ...names.map((name) => join(dir, name))]);
  if (made.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mkfifo failed: ${made.stderr}`);
  }
  return dir;
}

/** A started program: feed its stdin, watch its stdout, await its end. */
export interface ContainedProcess {
  /** Write to its stdin (ignored once it stopped reading). */
  write(bytes: Uint8Array): Promise<void>;
  /** Close its stdin. */
  end(): void;
  /** Kill it now (qfc is stopping); its result says it was stopped. */
  stop(): void;
  /** Called with each stdout chunk as it arrives (besides being collected). */
  onStdout(listener: (chunk: Buffer) => void): void;
  /** Called once when its stdout ends (it closed it or exited). */
  onStdoutEnd(listener: () => void): void;
  readonly done: Promise<ContainedResult>;
}

/** Every program running now, so that qfc can stop them all when it is stopped. */
const running = new Set<ContainedProcess>();

/** Kill every contained program still running (qfc got SIGINT or SIGTERM). */
export function stopAllContained(): void {
  for (const process of running) process.stop();
}

/** A result for a program that could not be started. */
function notStarted(why: string, started: number): ContainedResult {
  return { status: null, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: false, flooded: null, spawnError: why, ms: Date.now() - started };
}

/** A process that never started: its result is already known. */
function failedProcess(result: ContainedResult): ContainedProcess {
  return { write: async () => {}, end: () => {}, stop: () => {}, onStdout: () => {}, onStdoutEnd: (listener) => listener(), done: Promise.resolve(result) };
}

/**
 * Start a program under the limits of `run` (its `stdin` bytes are ignored: use write()):
 * in `run.lane` when it names one (the lane's sandbox root must be `run.writableRoot`),
 * otherwise in a bubblewrap of its own.
 */
export function startContained(given: ContainedRun): ContainedProcess {
  const started = Date.now();
  const run = given.extraEnv === undefined ? given : { ...given, env: { ...given.env, ...given.extraEnv } };
  let launch: ProgramLaunch;
  try {
    launch = run.lane === undefined ? launchFresh(run) : run.lane.launch(run);
  } catch (error) {
    return failedProcess(notStarted((error as Error).message, started));
  }
  const contained = watchProgram(run, launch, started);
  running.add(contained);
  void contained.done.then(() => running.delete(contained));
  return contained;
}

/** One bubblewrap (or none) for this run alone, torn down at its end. */
function launchFresh(run: ContainedRun): ProgramLaunch {
  const init = initProgramPath();
  const fifoDir = run.confinement === 'bwrap' ? makeFifoDirectory(run.writableRoot, ['in', 'out']) : null;
  const fifos: FifoPair | null = fifoDir === null ? null : { dir: fifoDir, input: join(fifoDir, 'in'), output: join(fifoDir, 'out') };
  let filter: number | null = null;
  try {
    const file = run.confinement === 'bwrap' ? seccompFile() : null;
    if (file !== null) filter = openSync(file, 'r');
  } catch (error) {
    if (fifoDir !== null) rmSync(fifoDir, { recursive: true, force: true });
    throw error;
  }
  const [command, ...args] = containedArgv(run, fifos, init, filter !== null);
  const stdio: ('pipe' | 'ignore' | number)[] = fifos === null ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['ignore', 'ignore', 'pipe', 'pipe'];
  if (filter !== null) stdio.push(filter);
  const child = spawn(command!, args, {
    cwd: run.cwd,
    env: run.env,
    stdio,
    detached: true, // its own process group, killed as a whole
    ...(run.uid === undefined ? {} : { uid: run.uid, gid: run.gid ?? run.uid }),
  });
  if (filter !== null) closeSync(filter); // the child has its copy; each run reads the filter from offset 0

  let stdinSink: Writable;
  let stdoutSource: Readable;
  // Under bwrap, closing our end of the input FIFO before the program has opened its end
  // would lose what we wrote (a FIFO keeps no data once nobody holds it): wait for `ready`.
  let markOpened: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    markOpened = resolve;
  });
  let holdOutput: number | null = null;
  const releaseOutput = (): void => {
    if (holdOutput !== null) closeSync(holdOutput);
    holdOutput = null;
  };
  if (fifos === null) {
    stdinSink = child.stdin!;
    stdoutSource = child.stdout!;
  } else {
    // Our ends never block: stdin is opened read-write so the program's open does not wait for
    // us, and stdout is held open for writing until the supervisor has opened it, so that our
    // reader does not see an end before the program has begun.
    stdinSink = new Socket({ fd: openSync(fifos.input, constants.O_RDWR | constants.O_NONBLOCK), readable: false, writable: true });
    holdOutput = openSync(fifos.output, constants.O_RDWR | constants.O_NONBLOCK);
    stdoutSource = new Socket({ fd: openSync(fifos.output, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false });
  }
  const kill = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const reportListeners: ((chunk: Buffer) => void)[] = [];
  // The supervisor's first line says the FIFOs are open and the program about to start.
  child.stdio[REPORT_FD]!.on('data', (chunk: Buffer) => {
    for (const listener of reportListeners) listener(chunk);
    if (chunk.includes(0x0a)) {
      releaseOutput();
      markOpened();
    }
  });
  const ended = new Promise<LaunchEnd>((resolve) => {
    child.on('error', (error) => resolve({ status: null, signal: null, spawnError: error.message }));
    child.on('close', (status, signal) => resolve({ status, signal, spawnError: null }));
  }).then((end) => {
    markOpened();
    kill(); // anything left in the group (the supervisor already killed what it supervised)
    releaseOutput();
    return end;
  });
  return {
    stdin: stdinSink,
    stdout: stdoutSource,
    stderr: child.stderr!,
    onReport: (listener) => reportListeners.push(listener),
    opened,
    // The supervisor kills everything it supervises on SIGTERM and still reports; SIGKILL follows.
    terminate: () => {
      try {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      setTimeout(kill, 500).unref();
    },
    ended,
    stdoutGraceMs: 1000,
    release: () => {
      if (fifos !== null) rmSync(fifos.dir, { recursive: true, force: true });
    },
  };
}

/** Run a program with `run.stdin` as its whole input and wait. Never rejects. */
export async function runContained(run: ContainedRun): Promise<ContainedResult> {
  const started = startContained(run);
  if (run.stdin !== null) await started.write(run.stdin);
  started.end();
  return started.done;
}
