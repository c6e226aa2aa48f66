/**
 * A sandbox lane: one bubblewrap kept for many runs, one after another, so that a run costs
 * the supervisor a fork and an exec instead of a new sandbox (~30 ms of mounts and
 * namespaces, plus FIFOs made by a spawned mkfifo).
 *
 * Isolation stays that of one sandbox per run:
 * - the supervisor (qfc-init --serve, PID 1 of the lane's PID namespace) kills every process
 *   of a run before it reports its end, and says "clean" only when none is left; the lane
 *   serves no run after one that was not clean, and qfc closes it;
 * - the sandbox root is emptied and laid out afresh before every run (refresh()); it is the
 *   one directory the lane keeps, so its mode and owner are set again and the supervisor
 *   removes any extended attribute (a default ACL) a run put on it; what cannot be removed
 *   closes the lane;
 * - /tmp and /dev/shm are read-only (lanes serve receivers only), SysV IPC and message queues
 *   are refused by the seccomp filter, and mounts, namespaces and other processes are out of
 *   reach as in every sandbox: nothing else outlives a run;
 * - every run gets its own environment, working directory and limits from its request, and
 *   stdin, stdout and stderr through FIFOs that only that run's program holds;
 * - a lane that misbehaves (no answer to a kill, a report out of turn, an unexpected end) is
 *   killed as a whole, and the run is judged from what is known.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, constants, lstatSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { CONTROL_FD, laneArgv, supervisorLimits, type LaneFifos, type LaneSandbox } from './contained-argv.js';
import { initProgramPath } from './init-program.js';
import { makeFifoDirectory, type ContainedResult, type ContainedRun } from './run-contained.js';
import { fillSandbox, removeTree, type SandboxPaths } from './sandbox-root.js';
import { TrashBin } from './trash-bin.js';
import { seccompFile } from './seccomp-file.js';
import type { LaunchEnd, ProgramLaunch } from './watch-program.js';

/** How long a run's supervisor has to answer a kill before the whole lane is killed. */
const KILL_ANSWER_MS = 3000;
/** The lane's own stderr kept for diagnostics (bwrap's and the supervisor's messages). */
const DIAGNOSTICS_CAP = 1 << 14;

/** What a lane is started with. */
export interface LaneOptions extends Omit<LaneSandbox, 'writableRoot' | 'readOnlyTmp'> {
  /** Directory under which the lane makes its sandbox root and FIFOs. */
  readonly base: string;
  /** Environment of the lane's supervisor (each run brings its own). */
  readonly env: Readonly<Record<string, string>>;
  /** Owner of target/ and source/ in every fresh sandbox. */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

/** The run the lane is serving now. */
interface CurrentRun {
  readonly number: number;
  readonly report: (chunk: Buffer) => void;
  readonly ready: () => void;
  readonly finish: (end: LaunchEnd) => void;
}

/** Encode a request for the supervisor: NUL-terminated fields, then an empty one. */
function encodeRequest(fields: readonly string[]): Buffer {
  for (const field of fields) if (field.includes('\0')) throw new Error('a program argument or environment entry holds a NUL byte');
  return Buffer.from(`${fields.join('\0')}\0\0`, 'utf8');
}

export class SandboxLane {
  /** The sandbox every run of this lane gets, emptied and laid out afresh before each. */
  readonly sandbox: SandboxPaths;
  private readonly fifos: LaneFifos;
  /** Beside the root, never visible in the sandbox: what runs left, moved out to be removed. */
  private readonly trash: TrashBin;
  private readonly child: ChildProcess;
  private readonly control: Writable;
  private readonly options: LaneOptions;
  private current: CurrentRun | null = null;
  private pending = '';
  private runs = 0;
  private alive = true;
  private clean = true;
  private diagnostics = '';
  private killedByUs = false;
  /** The supervisor said something out of turn: the lane was killed for it. */
  private lostStep = false;
  private readonly started: Promise<boolean>;

  /** Start a lane (throws when its directories, FIFOs or supervisor cannot be made). */
  constructor(options: LaneOptions) {
    this.options = options;
    const init = initProgramPath();
    const root = mkdtempSync(join(options.base, 'lane-'));
    let fifoDir: string;
    try {
      fifoDir = makeFifoDirectory(root, ['in', 'out', 'err']);
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
    this.trash = new TrashBin(options.base);
    this.sandbox = fillSandbox(root, options.owner);
    this.fifos = { dir: fifoDir, input: join(fifoDir, 'in'), output: join(fifoDir, 'out'), error: join(fifoDir, 'err') };
    const file = seccompFile();
    const filter = file === null ? null : openSync(file, 'r');
    const argv = laneArgv({ ...options, writableRoot: root, readOnlyTmp: true }, this.fifos, init, filter !== null);
    this.child = spawn(argv[0]!, argv.slice(1), {
      cwd: root,
      env: options.env,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', filter ?? 'ignore', 'pipe'],
      detached: true, // its own process group, killed as a whole
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
    });
    if (filter !== null) closeSync(filter);
    this.control = (this.child.stdio as unknown as Writable[])[CONTROL_FD]!;
    this.control.on('error', () => this.kill());
    this.child.stderr!.on('data', (chunk: Buffer) => {
      if (this.diagnostics.length < DIAGNOSTICS_CAP) this.diagnostics += chunk.toString('utf8');
    });
    let markStarted: (ok: boolean) => void = () => {};
    this.started = new Promise((resolve) => {
      markStarted = resolve;
    });
    this.child.stdio[3]!.on('data', (chunk: Buffer) => this.onReport(chunk, markStarted));
    this.child.on('error', (error) => {
      this.diagnostics += error.message;
      this.onExit(null, null);
      markStarted(false);
    });
    this.child.on('close', (status, signal) => {
      this.onExit(status, signal);
      markStarted(false);
    });
    // Referenced until its greeting: whoever waits for ready() must not see qfc exit meanwhile.
    void this.started.then(() => {
      if (this.current === null) this.unref();
    });
  }

  /** Resolves true once the supervisor is serving, false if the lane died first. */
  ready(): Promise<boolean> {
    return this.started;
  }

  /** True while the lane can serve another run. */
  get usable(): boolean {
    return this.alive && this.clean && this.current === null;
  }

  /** Why the lane stopped, for a note: its last words on stderr. */
  get why(): string {
    return this.diagnostics.trim().split('\n').pop() ?? '';
  }

  /**
   * Make the sandbox fresh for the next run: everything the last run left is removed and the
   * layout made again. Null when done; otherwise what stayed (the lane is then closed).
   */
  refresh(): string | null {
    const { root } = this.sandbox;
    // Moved out at once (a rename), removed in the background: removing even a small tree
    // costs more than the next run on a journalled disk. What cannot be moved (a directory
    // its owner made unwritable, for a qfc that is not root) ends the lane, whose removal
    // then takes the whole root with every fallback removeTree has.
    for (const name of readdirSync(Buffer.from(root), { encoding: 'buffer' })) {
      if (!this.trash.discard(Buffer.concat([Buffer.from(`${root}/`), name]))) return this.close();
    }
    const stats = lstatSync(root);
    const uid = process.getuid?.() ?? stats.uid;
    const gid = process.getgid?.() ?? stats.gid;
    if (stats.uid !== uid || stats.gid !== gid) chownSync(root, uid, gid);
    fillSandbox(root, this.options.owner); // sets the root's mode back to 0755 first
    return null;
  }

  /** Hand `run` to the supervisor (the lane must be usable, `run.writableRoot` its root). */
  launch(run: ContainedRun): ProgramLaunch {
    if (!this.usable) throw new Error(`the sandbox lane cannot take a run${this.alive ? '' : ` (it ended: ${this.why || 'no reason given'})`}`);
    // A lane's sandbox is fixed when it starts: a run that asks for another one cannot have it.
    if (run.writableRoot !== this.sandbox.root) throw new Error('a run given to a sandbox lane must use the lane\'s sandbox root');
    if (run.readOnlyTmp !== true || run.confinement !== 'bwrap') throw new Error('a sandbox lane serves confined receiver runs only (read-only /tmp)');
    if ((run.uid ?? null) !== (this.options.uid ?? null)) throw new Error('a run given to a sandbox lane must run as the lane\'s user');
    if ((run.writablePaths ?? []).join('\0') !== (this.options.writablePaths ?? []).join('\0')) throw new Error('a run given to a sandbox lane must write where the lane lets it write');
    const number = ++this.runs;
    const fields = [
      'run',
      `cwd=${run.cwd}`,
      ...supervisorLimits(run).map(([name, value]) => `${name}=${value}`),
      ...run.argv.map((arg) => `arg=${arg}`),
      ...Object.entries(run.env).map(([key, value]) => `env=${key}=${value}`),
    ];
    const request = encodeRequest(fields);
    // Our ends never block, and stdout and stderr are held open for writing until the
    // supervisor has opened them, so that our readers see no end before the program began.
    const fds = this.openEnds();
    const stdin = new Socket({ fd: fds.input, readable: false, writable: true });
    let holds: number[] = [fds.holdOutput, fds.holdError];
    const stdout = new Socket({ fd: fds.output, readable: true, writable: false });
    const stderr = new Socket({ fd: fds.error, readable: true, writable: false });
    const releaseHolds = (): void => {
      for (const fd of holds) closeSync(fd);
      holds = [];
    };
    const reportListeners: ((chunk: Buffer) => void)[] = [];
    let markOpened: () => void = () => {};
    const opened = new Promise<void>((resolve) => {
      markOpened = resolve;
    });
    let finish: (end: LaunchEnd) => void = () => {};
    const ended = new Promise<LaunchEnd>((resolve) => {
      finish = resolve;
    }).then((end) => {
      this.current = null;
      releaseHolds();
      markOpened();
      return end;
    });
    this.current = {
      number,
      report: (chunk) => reportListeners.forEach((listener) => listener(chunk)),
      ready: () => {
        releaseHolds();
        markOpened();
      },
      finish,
    };
    this.ref();
    this.control.write(request);
    let killAsked = false;
    return {
      stdin,
      stdout,
      stderr,
      onReport: (listener) => reportListeners.push(listener),
      opened,
      terminate: () => {
        if (killAsked || this.current?.number !== number) return;
        killAsked = true;
        this.control.write(encodeRequest(['kill']));
        setTimeout(() => {
          if (this.current?.number === number) this.kill();
        }, KILL_ANSWER_MS).unref();
      },
      ended,
      stdoutGraceMs: 2000,
      release: (result: ContainedResult) => {
        // Output that outlived the run means something of it survived: never serve again.
        if (!stdout.destroyed || !stderr.destroyed || result.supervision?.final !== true) this.clean = false;
        // Killed, not closed: the case still snapshots the sandbox the run left; the pool
        // removes it once the case is judged.
        if (!this.usable) this.kill();
        this.unref();
      },
    };
  }

  /** qfc's ends of the three FIFOs for a run; all or none (what was opened is closed on failure). */
  private openEnds(): { input: number; holdOutput: number; holdError: number; output: number; error: number } {
    const opened: number[] = [];
    const open = (path: string, flags: number): number => {
      const fd = openSync(path, flags | constants.O_NONBLOCK);
      opened.push(fd);
      return fd;
    };
    try {
      return {
        input: open(this.fifos.input, constants.O_RDWR),
        holdOutput: open(this.fifos.output, constants.O_RDWR),
        holdError: open(this.fifos.error, constants.O_RDWR),
        output: open(this.fifos.output, constants.O_RDONLY),
        error: open(this.fifos.error, constants.O_RDONLY),
      };
    } catch (error) {
      for (const fd of opened) closeSync(fd);
      throw error;
    }
  }

  /** End the lane: its supervisor and every process in it, and its directories. Null, or what stayed. */
  close(): string | null {
    this.kill();
    rmSync(this.fifos.dir, { recursive: true, force: true });
    const problems = [removeTree(this.sandbox.root), this.trash.empty()].filter((problem) => problem !== null);
    return problems.length === 0 ? null : problems.join('; ');
  }

  /** Kill the lane's whole process group now. */
  kill(): void {
    this.alive = false;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.killedByUs = true;
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** Report lines: the lane's greeting, then each run's ready and final lines, in turn. */
  private onReport(chunk: Buffer, markStarted: (ok: boolean) => void): void {
    this.pending += chunk.toString('latin1');
    if (this.pending.length > 1 << 20) return this.kill(); // no line is that long: not our supervisor
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) !== -1) {
      const line = this.pending.slice(0, newline + 1);
      this.pending = this.pending.slice(newline + 1);
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.lostStep = true;
        this.kill();
        continue;
      }
      if (parsed.lane === true) {
        markStarted(true);
        continue;
      }
      const run = this.current;
      // A line for a run other than the one being served means the two sides lost step:
      // nothing it says belongs to this run, which is the harness's failure, not the program's.
      if (run === null || parsed.run !== run.number) {
        this.lostStep = true;
        this.kill();
        continue;
      }
      run.report(Buffer.from(line, 'latin1'));
      if (parsed.ready === true) run.ready();
      else if ('status' in parsed) {
        if (parsed.clean !== true) this.clean = false;
        run.finish({ status: null, signal: null, spawnError: null });
      }
    }
  }

  private onExit(status: number | null, signal: NodeJS.Signals | null): void {
    this.alive = false;
    const run = this.current;
    if (run === null) return;
    const why = this.lostStep
      ? 'the sandbox lane lost step with qfc (a report line out of turn)'
      : this.killedByUs
        ? null
        : `the sandbox lane ended during the run (${status ?? signal}${this.why === '' ? '' : `: ${this.why}`})`;
    run.finish({ status: null, signal: this.killedByUs ? 'SIGKILL' : signal, spawnError: why });
  }

  /** While no run is served, the lane must not keep qfc's event loop alive. */
  private unref(): void {
    this.child.unref();
    for (const stream of this.pipes()) stream?.unref?.();
  }

  private ref(): void {
    this.child.ref();
    for (const stream of this.pipes()) stream?.ref?.();
  }

  /** The pipes to the supervisor (sockets underneath, which can be (un)referenced). */
  private pipes(): ({ ref?: () => void; unref?: () => void } | null)[] {
    return [this.child.stderr, this.child.stdio[3], this.control] as unknown as ({ ref?: () => void; unref?: () => void } | null)[];
  }
}
