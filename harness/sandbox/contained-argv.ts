/**
 * The command line of one contained run: bubblewrap's options (the host view, namespaces,
 * capabilities, seccomp) around the supervisor qfc-init with its limits, around the program.
 * INTERPRETING.md §2 says what each part is for.
 */
import { readdirSync, statSync } from 'node:fs';
import { hostViewArgs } from './host-view.js';
import type { ContainedRun } from './run-contained.js';

/**
 * Under bwrap the sandbox root is also mounted here, a path that is the same in every run,
 * so that a stored stream can aim absolute names and link targets at the observable
 * outside area (`/tmp/qfc-sandbox/outside/...`) and still hit it when replayed.
 */
export const SANDBOX_ALIAS = '/tmp/qfc-sandbox';
/** Where the supervisor is bound inside the sandbox. */
const INIT_INSIDE = '/run/qfc-init';
/**
 * The capabilities a program run as root keeps: those that let root ignore file permission
 * bits, which is what the `privileged` prediction assumes. Nothing that reaches beyond the
 * sandbox's files: no SYS_ADMIN (mounts), MKNOD, SYS_PTRACE, LINUX_IMMUTABLE, NET_*, ...
 */
export const ROOT_CAPABILITIES = ['CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID'] as const;
/** Descriptor numbers the supervisor and bwrap are given. */
export const REPORT_FD = 3;
export const SECCOMP_FD = 4;
/** How long the supervisor waits for stragglers after the program exits before calling them leftovers. */
const GRACE_MS = 100;
/**
 * Open descriptors a program may hold: Linux's default soft limit, which a qrexec service gets
 * too (the catalogue has a case just past it).
 */
export const NOFILE = 1024;
/** Sizes of the private /dev/shm and /tmp (memory the RSS cap does not see). */
export const SHM_BYTES = 16 << 20;
export const TMP_BYTES = 64 << 20;
/** Processes a run may have at once: a receiver needs a handful; a fork flood is stopped here. */
export const MAX_PROCESSES = 512;

/** The FIFOs of one bwrap run, in a directory beside the sandbox root. */
export interface FifoPair {
  readonly dir: string;
  readonly input: string;
  readonly output: string;
}

/** The supervisor's limits for one run, by option name (without the leading dashes). */
export function supervisorLimits(run: Pick<ContainedRun, 'fileSizeCap' | 'memoryLimit' | 'uid'>): [string, string][] {
  return [
    ['fsize', String(run.fileSizeCap)],
    ['memory', String(run.memoryLimit)],
    ['nofile', String(NOFILE)],
    ['max-processes', String(MAX_PROCESSES)],
    // RLIMIT_NPROC counts all of the user's processes and is ignored for root: only a bound
    // above what the user already runs, as a second wall behind the sampled cap.
    ...(runsAsRoot(run) ? [] : [['nproc', String(processesOf(run.uid ?? process.getuid?.() ?? 0) + MAX_PROCESSES)] as [string, string]]),
    ['grace-ms', String(GRACE_MS)],
  ];
}

/** The supervisor's own arguments: the report descriptor, the FIFOs and the limits. */
function supervisorArgs(run: ContainedRun, fifos: FifoPair | null): string[] {
  return [
    '--report-fd', String(REPORT_FD),
    ...(fifos === null ? ['--pidns'] : ['--in', fifos.input, '--out', fifos.output]),
    ...supervisorLimits(run).flatMap(([name, value]) => [`--${name}`, value]),
    '--',
  ];
}

/** How many processes `uid` runs now (the RLIMIT_NPROC of its programs must leave them room). */
function processesOf(uid: number): number {
  let count = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (statSync(`/proc/${name}`).uid === uid) count += 1;
    } catch {
      // gone
    }
  }
  return count;
}

/** True when the program will run as root (bwrap then keeps every capability unless told otherwise). */
function runsAsRoot(run: Pick<ContainedRun, 'uid'>): boolean {
  return (run.uid ?? process.getuid?.() ?? 0) === 0;
}

/** The full argv: bwrap's options and the supervisor, then the program. */
export function containedArgv(run: ContainedRun, fifos: FifoPair | null, init: string, seccomp: boolean): string[] {
  if (run.confinement === 'none' || fifos === null) return [init, ...supervisorArgs(run, null), ...run.argv];
  return [...bwrapArgs(run, fifos, init, seccomp), INIT_INSIDE, ...supervisorArgs(run, fifos), ...run.argv];
}

/** What a sandbox lane is started with: the same sandbox as a single run's, for programs to come. */
export type LaneSandbox = Pick<ContainedRun, 'writableRoot' | 'visiblePaths' | 'readOnlyTmp' | 'uid' | 'gid' | 'writablePaths'>;

/** The FIFOs of a lane: a third one carries each run's stderr, since the lane's own outlives runs. */
export interface LaneFifos extends FifoPair {
  readonly error: string;
}

/** Descriptor on which a lane's supervisor reads its requests. */
export const CONTROL_FD = 5;

/**
 * A sandbox lane's argv (sandbox-lane.ts): bwrap exactly as for one run, around the
 * supervisor in serve mode, which takes each run's program, directory, environment and
 * limits from its control descriptor.
 */
export function laneArgv(lane: LaneSandbox, fifos: LaneFifos, init: string, seccomp: boolean): string[] {
  return [
    ...bwrapArgs({ ...lane, cwd: lane.writableRoot }, fifos, init, seccomp),
    INIT_INSIDE, '--serve', '--report-fd', String(REPORT_FD), '--control-fd', String(CONTROL_FD),
    '--in', fifos.input, '--out', fifos.output, '--err', fifos.error, '--scrub-dir', lane.writableRoot,
  ];
}

/** bwrap's options, up to the `--` before the supervisor. */
function bwrapArgs(run: LaneSandbox & Pick<ContainedRun, 'cwd'>, fifos: FifoPair, init: string, seccomp: boolean): string[] {
  return [
    'bwrap',
    // tmpfs pages are memory no RSS shows: every writable tmpfs is small, and /dev itself is
    // read-only (its device nodes still work), so a program cannot fill the host's RAM there.
    '--dev', '/dev',
    '--size', String(SHM_BYTES), '--tmpfs', '/dev/shm',
    '--remount-ro', '/dev',
    '--proc', '/proc',
    '--size', String(TMP_BYTES), '--tmpfs', '/tmp',
    ...hostViewArgs(run.visiblePaths ?? []),
    '--ro-bind', init, INIT_INSIDE,
    '--bind', run.writableRoot, run.writableRoot,
    '--bind', run.writableRoot, SANDBOX_ALIAS,
    '--ro-bind', fifos.dir, fifos.dir,
    ...(run.writablePaths ?? []).flatMap((path) => ['--bind', path, path]),
    // /dev/shm too: a receiver writes nowhere but its target (and a lane's next run must not
    // find what this one left in a tmpfs qfc cannot reset from outside).
    ...(run.readOnlyTmp === true ? ['--remount-ro', '/tmp', '--remount-ro', '/dev/shm'] : []),
    // bwrap's new root is a writable tmpfs: a write to /etc or / must fail, not land unseen
    '--remount-ro', '/',
    '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-pid', '--unshare-cgroup-try',
    ...(runsAsRoot(run) ? ['--cap-drop', 'ALL', ...ROOT_CAPABILITIES.flatMap((capability) => ['--cap-add', capability])] : []),
    ...(seccomp ? ['--seccomp', String(SECCOMP_FD)] : []),
    '--die-with-parent',
    '--new-session',
    '--as-pid-1',
    '--chdir', run.cwd,
    '--',
  ];
}

