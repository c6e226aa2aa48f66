/**
 * Run one implementation program, contained, with hard limits.
 *
 * Under bubblewrap the whole host is mounted read-only, the sandbox root is the only
 * writable place, /tmp is private, there is no network, and the program dies with the
 * harness. Without bwrap the program runs unconfined (the caller says so loudly). Either
 * way the program gets its own process group that is killed at the time limit, stdout and
 * stderr are capped (a flood kills it), and files it writes are capped with RLIMIT_FSIZE
 * through prlimit when present. A hung or flooding program costs one verdict, never the run.
 *
 * Under bwrap the program's stdin and stdout are FIFOs, not the pipes bwrap inherits:
 * bwrap's monitor process keeps its own copies of inherited descriptors open until it
 * exits, so a program that closes its stdout (the OpenInVM client after its file, a sender
 * after its end marker) would never be seen to do so. A small shell prologue opens the
 * FIFOs, tells the harness on fd 3 that it has, and execs the program; only the program
 * then holds them, and half-closes reach the other side as they do through qrexec.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, constants, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

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
  readonly confinement: Confinement;
  /** Host paths under /tmp to keep visible (read-only) behind the private /tmp: the programs' own files. */
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
}

/**
 * Under bwrap the sandbox root is also mounted here, a path that is the same in every run,
 * so that a stored stream can aim absolute names and link targets at the observable
 * outside area (`/tmp/qfc-sandbox/outside/...`) and still hit it when replayed.
 */
export const SANDBOX_ALIAS = '/tmp/qfc-sandbox';

let bwrapWorks: boolean | undefined;

/** True when bubblewrap is installed and can create its namespaces here. */
export function bwrapAvailable(): boolean {
  if (bwrapWorks === undefined) {
    const probe = spawnSync('bwrap', ['--ro-bind', '/', '/', '--unshare-net', '--die-with-parent', '--', 'true'], { stdio: 'ignore', timeout: 10_000 });
    bwrapWorks = probe.status === 0;
  }
  return bwrapWorks;
}

const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((path) => existsSync(path));
// Opens the FIFOs, says so on fd 3, closes fd 3, then becomes the program.
const FIFO_PROLOGUE = 'exec <"$1" >"$2" || exit 126; printf r >&3; exec 3>&-; shift 2; exec "$@"';

/** The FIFOs of one bwrap run, in a directory beside the sandbox root. */
interface FifoPair {
  readonly dir: string;
  readonly input: string;
  readonly output: string;
}

function makeFifos(writableRoot: string): FifoPair {
  const dir = mkdtempSync(join(dirname(writableRoot), '.qfc-io-'));
  chmodSync(dir, 0o755); // reachable for a program run as another user
  const pair = { dir, input: join(dir, 'in'), output: join(dir, 'out') };
  const made = spawnSync('mkfifo', ['-m', '0666', pair.input, pair.output]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
  return pair;
}

/** The full argv: bwrap's options, the FIFO prologue, prlimit, then the program. */
export function containedArgv(run: ContainedRun, fifos: FifoPair | null = null): string[] {
  const limited = PRLIMIT === undefined ? [...run.argv] : [PRLIMIT, `--fsize=${run.fileSizeCap}`, '--', ...run.argv];
  if (run.confinement === 'none' || fifos === null) return limited;
  return [
    'bwrap',
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    ...(run.visiblePaths ?? []).filter((path) => existsSync(path)).flatMap((path) => ['--ro-bind', path, path]),
    '--bind', run.writableRoot, run.writableRoot,
    '--bind', run.writableRoot, SANDBOX_ALIAS,
    '--ro-bind', fifos.dir, fifos.dir,
    ...(run.readOnlyTmp === true ? ['--remount-ro', '/tmp'] : []),
    '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-pid',
    '--die-with-parent',
    '--new-session',
    '--chdir', run.cwd,
    '--',
    '/bin/sh', '-c', FIFO_PROLOGUE, 'qfc-io', fifos.input, fifos.output,
    ...limited,
  ];
}

/** A started program: feed its stdin, watch its stdout, await its end. */
export interface ContainedProcess {
  /** Write to its stdin (ignored once it stopped reading). */
  write(bytes: Uint8Array): Promise<void>;
  /** Close its stdin. */
  end(): void;
  /** Called with each stdout chunk as it arrives (besides being collected). */
  onStdout(listener: (chunk: Buffer) => void): void;
  /** Called once when its stdout ends (it closed it or exited). */
  onStdoutEnd(listener: () => void): void;
  readonly done: Promise<ContainedResult>;
}

/** Start a program under the limits of `run` (its `stdin` bytes are ignored: use write()). */
export function startContained(run: ContainedRun): ContainedProcess {
  const started = Date.now();
  const fifos = run.confinement === 'bwrap' ? makeFifos(run.writableRoot) : null;
  const [command, ...args] = containedArgv(run, fifos);
  const child = spawn(command!, args, {
    cwd: run.cwd,
    env: run.env,
    stdio: fifos === null ? ['pipe', 'pipe', 'pipe'] : ['ignore', 'ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, killed as a whole
    ...(run.uid === undefined ? {} : { uid: run.uid, gid: run.gid ?? run.uid }),
  });

  let stdinSink: Writable;
  let stdoutSource: Readable;
  // Under bwrap, closing our end of the input FIFO before the program has opened its end
  // would lose what we wrote (a FIFO keeps no data once nobody holds it): wait for fd 3.
  let opened: Promise<void> = Promise.resolve();
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
    // us, and stdout is held open for writing until the prologue has opened it, so that our
    // reader does not see an end before the program has begun.
    stdinSink = new Socket({ fd: openSync(fifos.input, constants.O_RDWR | constants.O_NONBLOCK), readable: false, writable: true });
    holdOutput = openSync(fifos.output, constants.O_RDWR | constants.O_NONBLOCK);
    stdoutSource = new Socket({ fd: openSync(fifos.output, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false });
    opened = new Promise((resolve) => {
      child.stdio[3]!.once('data', () => {
        releaseOutput();
        resolve();
      });
      child.once('close', () => resolve());
    });
  }

  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const listeners: ((chunk: Buffer) => void)[] = [];
  let stdoutBytes = 0;
  let stderrBytes = 0;
  let timedOut = false;
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
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, run.timeLimitMs);
  stdoutSource.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    if (stdoutBytes > run.stdoutCap) {
      flooded ??= 'stdout';
      kill();
      return;
    }
    stdout.push(chunk);
    for (const listener of listeners) listener(chunk);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderrBytes += chunk.length;
    if (stderrBytes > run.stderrCap) {
      flooded ??= 'stderr';
      kill();
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
  const done = exited.then(async ([status, signal]) => {
    clearTimeout(timer);
    kill(); // anything the program left running in its group
    releaseOutput();
    // A descendant that escaped the group may still hold stdout: do not wait for it forever.
    const grace = setTimeout(() => stdoutSource.destroy(), 1000);
    await stdoutClosed;
    clearTimeout(grace);
    stdinSink.destroy();
    if (fifos !== null) rmSync(fifos.dir, { recursive: true, force: true });
    return { status, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), timedOut, flooded, spawnError, ms: Date.now() - started };
  });
  return {
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
    onStdout: (listener) => listeners.push(listener),
    onStdoutEnd: (listener) => {
      if (stdoutSource.readableEnded || stdoutSource.destroyed) listener();
      else stdoutSource.once('close', listener);
    },
    done,
  };
}

/** Run a program with `run.stdin` as its whole input and wait. Never rejects. */
export async function runContained(run: ContainedRun): Promise<ContainedResult> {
  const started = startContained(run);
  if (run.stdin !== null) await started.write(run.stdin);
  started.end();
  return started.done;
}
