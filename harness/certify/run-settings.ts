/**
 * What every case run shares: the implementation, the confinement, where sandboxes go,
 * and whom the programs run as.
 */
import { tmpdir } from 'node:os';
import { isAbsolute, relative, sep } from 'node:path';
import type { Implementation } from '../adapters/implementation.js';
import type { Confinement, ContainedRun } from '../sandbox/run-contained.js';
import { PACKAGE_ROOT } from '../package-root.js';

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
  /** Host directories under /tmp the programs need (see visiblePaths). */
  readonly visiblePaths: readonly string[];
}

/**
 * The top-level directories under the temporary directory that the programs live in:
 * bubblewrap gives each run a private /tmp, which would hide a checkout or a build that
 * lives there (qfc's own, or one named in a command). Words of a shell command line that
 * are absolute paths count too.
 */
export function visiblePaths(implementations: readonly Implementation[]): string[] {
  const temporary = tmpdir();
  const words = implementations.flatMap((implementation) =>
    [implementation.receiver?.argv, implementation.sender?.argv, implementation.openInVm?.client, implementation.openInVm?.server]
      .flatMap((argv) => argv ?? [])
      .flatMap((arg) => arg.split(/[\s'"=:]+/)),
  );
  const roots = new Set<string>();
  for (const word of [PACKAGE_ROOT, process.execPath, ...words]) {
    if (!isAbsolute(word)) continue;
    const inside = relative(temporary, word);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) continue;
    roots.add(`${temporary}${sep}${inside.split(sep)[0]}`);
  }
  return [...roots].sort();
}

/** The uid and gid programs run as. */
export function receivingUser(settings: RunSettings): { uid: number; gid: number } {
  return settings.owner ?? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/** How every program of a run is contained: confinement, visible paths and user. */
export function containment(settings: RunSettings): Pick<ContainedRun, 'confinement' | 'visiblePaths' | 'uid' | 'gid'> {
  return {
    confinement: settings.confinement,
    visiblePaths: settings.visiblePaths,
    ...(settings.owner === null ? {} : { uid: settings.owner.uid, gid: settings.owner.gid }),
  };
}

/** Caps of every program run. */
export const STDOUT_CAP = 1 << 20;
export const STDERR_CAP = 256 << 10;
export const MIN_FILE_SIZE_CAP = 64 << 20;
/** Bytes of a stream kept in results.json for the hex dump. */
export const STREAM_HEX_CAP = 64 << 10;

/** qfc's environment for a program, with the limit variables set only when the case has limits. */
export function programEnvironment(limits: { bytes?: bigint; files?: bigint } = {}, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'QFC_BYTES_LIMIT' && key !== 'QFC_FILES_LIMIT') env[key] = value;
  if (limits.bytes !== undefined) env.QFC_BYTES_LIMIT = String(limits.bytes);
  if (limits.files !== undefined) env.QFC_FILES_LIMIT = String(limits.files);
  return { ...env, ...extra };
}
