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
import { seccompFile } from './seccomp-file.js';
import { parseSupervision, type Supervision } from './supervision.js';

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

/** Bytes of the supervisor's report kept (it writes two short lines). */
const REPORT_CAP = 1 << 16;

let bwrapWorks: boolean | undefined;

/** True when bubblewrap is installed and can create its namespaces here. */
export function bwrapAvailable(): boolean {
  if (bwrapWorks === undefined) {
    const probe = spawnSync('bwrap', ['--ro-bind', '/', '/', '--unshare-net', '--unshare-pid', '--die-with-parent', '--', 'true'], { stdio: 'ignore', timeout: 10_000 });
    bwrapWorks = probe.status === 0;
  }
  return bwrapWorks;
}

function makeFifos(writableRoot: string): FifoPair {
  const dir = mkdtempSync(join(dirname(writableRoot), '.qfc-io-'));
  chmodSync(dir, 0o755); // reachable for a program run as another user
  const pair = { dir, input: join(dir, 'in'), output: join(dir, 'out') };
  const made = spawnSync('mkfifo', ['-m', '0666', pair.input, pair.output]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
  return pair;
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

/** Start a program under the limits of `run` (its `stdin` bytes are ignored: use write()). */
export function startContained(run: ContainedRun): ContainedProcess {
  const started = Date.now();
  let init: string;
  let fifos: FifoPair | null;
  let filter: number | null = null;
  try {
    init = initProgramPath();
    fifos = run.confinement === 'bwrap' ? makeFifos(run.writableRoot) : null;
    const file = run.confinement === 'bwrap' ? seccompFile() : null;
    if (file !== null) filter = openSync(file, 'r');
  } catch (error) {
    return failedProcess(notStarted((error as Error).message, started));
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

  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const report: Buffer[] = [];
  let reportBytes = 0;
  const listeners: ((chunk: Buffer) => void)[] = [];
  let stdoutBytes = 0;
  let stderrBytes = 0;
  let timedOut = false;
  let stopped = false;
  let flooded: ContainedResult['flooded'] = null;
  let spawnError: string | null = null;
  let stdinOpen = true;
  const kill = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  // The supervisor kills everything it supervises on SIGTERM and still reports; SIGKILL follows.
  const terminate = (): void => {
    try {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    setTimeout(kill, 500).unref();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    terminate();
  }, run.timeLimitMs);
  // The supervisor's first line says the FIFOs are open and the program about to start.
  child.stdio[REPORT_FD]!.on('data', (chunk: Buffer) => {
    reportBytes += chunk.length;
    if (reportBytes <= REPORT_CAP) report.push(chunk);
    if (chunk.includes(0x0a)) {
      releaseOutput();
      markOpened();
    }
  });
  stdoutSource.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    if (stdoutBytes > run.stdoutCap) {
      flooded ??= 'stdout';
      terminate();
      return;
    }
    stdout.push(chunk);
    for (const listener of listeners) listener(chunk);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderrBytes += chunk.length;
    if (stderrBytes > run.stderrCap) {
      flooded ??= 'stderr';
      terminate();
    } else stderr.push(chunk);
  });
  stdinSink.on('error', () => {
    stdinOpen = false; // the program stopped reading: its right, it answers at its first error
    stdinSink.destroy();
  });
  stdoutSource.on('error', () => {
    // a read error on our side: the program's output ends here
  });
  const stdoutClosed = new Promise<void>((resolve) => stdoutSource.once('close', () => resolve()));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on('error', (error) => {
      spawnError = error.message;
      resolve([null, null]);
    });
    child.on('close', (status, signal) => resolve([status, signal]));
  });
  const contained: ContainedProcess = {
    write: (bytes) =>
      new Promise((resolve) => {
        if (!stdinOpen || stdinSink.destroyed) return resolve();
        if (stdinSink.write(bytes)) return resolve();
        const settle = (): void => {
          stdinSink.off('drain', settle);
          stdinSink.off('close', settle);
          resolve();
        };
        stdinSink.on('drain', settle);
        stdinSink.on('close', settle);
      }),
    end: () => {
      // Destroy once flushed: shutdown() does not apply to a FIFO, only closing the
      // descriptor gives the program its end of input.
      void opened.then(() => {
        if (!stdinSink.destroyed) stdinSink.end(() => stdinSink.destroy());
      });
    },
    stop: () => {
      stopped = true;
      terminate();
    },
    onStdout: (listener) => listeners.push(listener),
    onStdoutEnd: (listener) => {
      if (stdoutSource.readableEnded || stdoutSource.destroyed) listener();
      else stdoutSource.once('close', listener);
    },
    done: exited.then(async ([status, signal]) => {
      clearTimeout(timer);
      markOpened();
      kill(); // anything left in the group (the supervisor already killed what it supervised)
      releaseOutput();
      // A descendant that escaped supervision may still hold stdout: do not wait for it forever.
      const grace = setTimeout(() => stdoutSource.destroy(), 1000);
      await stdoutClosed;
      clearTimeout(grace);
      stdinSink.destroy();
      if (fifos !== null) rmSync(fifos.dir, { recursive: true, force: true });
      running.delete(contained);
      const supervision = parseSupervision(Buffer.concat(report).toString('utf8'), run.memoryLimit);
      // The supervisor passes the program's own end through; when it could not exec the program, say why.
      if (supervision.execError !== null && spawnError === null) spawnError = `cannot run ${run.argv[0]}: ${supervision.execError}`;
      const programStatus = supervision.final ? supervision.status : status;
      const programSignal = supervision.final ? supervision.signal : signal;
      return {
        status: programStatus,
        signal: programSignal,
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr),
        timedOut: timedOut && !stopped,
        flooded,
        spawnError,
        ms: Date.now() - started,
        supervision: { ...supervision, stopped },
      };
    }),
  };
  running.add(contained);
  return contained;
}

/** Run a program with `run.stdin` as its whole input and wait. Never rejects. */
export async function runContained(run: ContainedRun): Promise<ContainedResult> {
  const started = startContained(run);
  if (run.stdin !== null) await started.write(run.stdin);
  started.end();
  return started.done;
}
