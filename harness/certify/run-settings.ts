/**
 * What every case run shares: the implementation, the confinement, where sandboxes go,
 * and whom the programs run as.
 */
import type { Implementation } from '../adapters/implementation.js';
import { programPaths } from '../sandbox/host-view.js';
import { LanePool } from '../sandbox/lane-pool.js';
import type { Confinement, ContainedRun } from '../sandbox/run-contained.js';
import type { TrashBin } from '../sandbox/trash-bin.js';
import type { Oracle } from '../verdicts/judge-receiver.js';

export interface RunSettings {
  readonly implementation: Implementation;
  /** The reference pair, for the other side of sender and pair cases. */
  readonly reference: Implementation;
  readonly confinement: Confinement;
  /** Directory that holds this run's sandbox roots. */
  readonly base: string;
  /** Run the programs as this user and group (`--uid/--gid`). */
  readonly owner: { readonly uid: number; readonly gid: number } | null;
  /** Keep each sandbox root after its case (for debugging). */
  readonly keepSandboxes: boolean;
  /** The prediction runs are judged against (`--oracle`, default the spec). */
  readonly oracle?: Oracle;
  /** Host paths the programs need, shown read-only (see visiblePaths). */
  readonly visiblePaths: readonly string[];
  /**
   * Persistent sandboxes for receiver runs (sandbox-lane.ts), or null for a bubblewrap per
   * run (`--slow-path`, `--keep-sandboxes`, and whenever there is no bwrap).
   */
  readonly lanes?: LanePool | null;
  /**
   * Run the bundled reference side in-process where the other side is under test (its sender's
   * stream is computed, not piped from qfile-agent); false on the slow path (`--slow-path`).
   */
  readonly referenceInProcess?: boolean;
  /**
   * Where sandboxes are moved to be removed in the background, for runs where only qfc's own
   * code wrote in them (the in-process fuzz engine); otherwise each is removed before the
   * next case, and what resists is a note on its own case.
   */
  readonly trash?: TrashBin | null;
  /** `--coverage`: where the implementation's programs write coverage data, and how they are told. */
  readonly coverage?: CoverageCollection | null;
}

/** What the programs of a `--coverage` run get: writable directories and variables. */
export interface CoverageCollection {
  readonly writable: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** The sandbox lanes for `settings`' receiver runs, or null where each run gets its own sandbox. */
export function openLanes(settings: RunSettings, slowPath: boolean): LanePool | null {
  if (slowPath || settings.confinement !== 'bwrap' || settings.keepSandboxes) return null;
  return new LanePool({
    base: settings.base,
    env: programEnvironment(),
    visiblePaths: settings.visiblePaths,
    ...(settings.coverage == null ? {} : { writablePaths: settings.coverage.writable }),
    ...(settings.owner === null ? {} : { uid: settings.owner.uid, gid: settings.owner.gid, owner: settings.owner }),
  });
}

/**
 * The host paths the programs of these implementations need (host-view.ts): their own files,
 * interpreters and qfc's bundled programs, plus what the user added with `--bind-ro`.
 */
export function visiblePaths(implementations: readonly Implementation[]): string[] {
  const argvs = implementations.flatMap((implementation) =>
    [implementation.receiver?.argv, implementation.sender?.argv, implementation.openInVm?.client, implementation.openInVm?.server].filter((argv): argv is readonly string[] => argv !== undefined),
  );
  return [...new Set([...programPaths(argvs), ...implementations.flatMap((implementation) => implementation.bindRo)])].sort();
}

/** The uid and gid programs run as. */
export function receivingUser(settings: RunSettings): { uid: number; gid: number } {
  return settings.owner ?? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/** How every program of a run is contained: confinement, visible paths, memory cap and user. */
export function containment(settings: RunSettings): Pick<ContainedRun, 'confinement' | 'visiblePaths' | 'memoryLimit' | 'uid' | 'gid' | 'writablePaths' | 'extraEnv'> {
  return {
    confinement: settings.confinement,
    visiblePaths: settings.visiblePaths,
    ...(settings.coverage == null ? {} : { writablePaths: settings.coverage.writable, extraEnv: settings.coverage.env }),
    memoryLimit: settings.implementation.memoryLimitMiB * 1024 * 1024,
    ...(settings.owner === null ? {} : { uid: settings.owner.uid, gid: settings.owner.gid }),
  };
}

/** Caps of every program run. */
export const STDOUT_CAP = 1 << 20;
export const STDERR_CAP = 256 << 10;
export const MIN_FILE_SIZE_CAP = 64 << 20;
/** What a sender may write: the largest stream qfc captures. */
export const CAPTURE_CAP = 256 << 20;
/** Bytes of a stream kept in results.json for the hex dump. */
export const STREAM_HEX_CAP = 64 << 10;

/**
 * Variables of qfc's environment a program gets: enough to find programs and speak the
 * locale, and qfc's own settings (QFC_*). Nothing else: qfc's environment may hold tokens
 * and passwords (a CI job's), which a hostile program would print into the report.
 */
const PASSED_VARIABLES = /^(PATH|LANG|LANGUAGE|LC_[A-Z_]+|TZ|QFC_[A-Z0-9_]+)$/;

/** The environment of a program, with the limit variables set only when the case has limits. */
export function programEnvironment(limits: { bytes?: bigint; files?: bigint } = {}, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && PASSED_VARIABLES.test(key) && key !== 'QFC_BYTES_LIMIT' && key !== 'QFC_FILES_LIMIT') env[key] = value;
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  if (limits.bytes !== undefined) env.QFC_BYTES_LIMIT = String(limits.bytes);
  if (limits.files !== undefined) env.QFC_FILES_LIMIT = String(limits.files);
  return { ...env, ...extra };
}
