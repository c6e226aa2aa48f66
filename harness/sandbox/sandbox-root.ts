/**
 * A fresh sandbox root per run:
 *
 *   <root>/target/            the receiver's working directory (empty)
 *   <root>/outside/           where escapes land, so that they are observable:
 *          sentinel.txt       a file a receiver must never touch
 *          dir/inner.txt      a directory with a file
 *          link -> sentinel.txt
 *   <root>/source/            the sender's working directory (sender cases fill it)
 *
 * Catalogue cases address these by absolute path (escape probes); the snapshot of the
 * whole root before and after a run shows any change outside `target/`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The tools are looked up on the absolute entries of PATH: find -execdir refuses relative ones.
const TOOL_PATH = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/sbin', '/bin'].filter((entry) => entry.startsWith('/')).join(':');
// A tree of millions of entries takes a while to remove; past this it is left as it is.
const TOOL_TIMEOUT_MS = 60_000;
// rm writes a line per entry it cannot remove; past this much it is killed, and says so.
const TOOL_STDERR_CAP = 4 << 20;
const NOTE_LENGTH = 300;

/** Absolute paths of one sandbox. */
export interface SandboxPaths {
  readonly root: string;
  readonly target: string;
  readonly outside: string;
  readonly source: string;
}

/** Create a sandbox root under `base`; `owner` (uid and gid) owns target/ and source/. */
export function createSandbox(base: string, label: string, owner?: { uid: number; gid: number }): SandboxPaths {
  const root = mkdtempSync(join(base, `${label.slice(0, 60)}-`));
  return fillSandbox(root, owner);
}

/**
 * Lay out a sandbox in `root`, an empty directory: its mode is set to 0755, then target/,
 * source/ and outside/ with its sentinels are made; `owner` owns target/ and source/.
 */
export function fillSandbox(root: string, owner?: { uid: number; gid: number }): SandboxPaths {
  chmodSync(root, 0o755);
  const paths = { root, target: join(root, 'target'), outside: join(root, 'outside'), source: join(root, 'source') };
  mkdirSync(paths.target, { mode: 0o755 });
  mkdirSync(paths.source, { mode: 0o755 });
  mkdirSync(join(paths.outside, 'dir'), { recursive: true, mode: 0o755 });
  writeFileSync(join(paths.outside, 'sentinel.txt'), 'a receiver must never touch this file\n');
  writeFileSync(join(paths.outside, 'dir', 'inner.txt'), 'nor this one\n');
  symlinkSync('sentinel.txt', join(paths.outside, 'link'));
  if (owner !== undefined) {
    chownSync(paths.target, owner.uid, owner.gid);
    chownSync(paths.source, owner.uid, owner.gid);
  }
  return paths;
}

/**
 * Give everything below `path` (included) to `owner`, so a program run as that user can use
 * it; null when done, or a one-line note of what failed. GNU chown walks with descriptors,
 * so depth is no limit, and with -h and -R it changes links themselves and never follows them.
 */
export function chownTree(path: string, owner: { uid: number; gid: number }): string | null {
  // A leading `+` makes chown read the ids as numbers even where a user is named `1000`.
  return runTool('chown', ['-R', '-h', '--', `+${owner.uid}:+${owner.gid}`, resolve(path)]);
}

/** A one-line account of a tool's failure, or null when it succeeded. */
function runTool(command: string, args: readonly string[]): string | null {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: TOOL_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: TOOL_STDERR_CAP,
    env: { PATH: TOOL_PATH, LC_ALL: 'C' },
  });
  if (result.error !== undefined) return `${command}: ${result.error.message}`;
  if (result.status === 0) return null;
  const firstLine = (result.stderr?.toString('utf8') ?? '').split('\n', 1)[0]!;
  return firstLine === '' ? `${command} exited with status ${result.status ?? result.signal}` : oneLine(firstLine);
}

/** Notes end up on one report line: a name may hold newlines, a deep path runs to kilobytes. */
function oneLine(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  return flat.length > NOTE_LENGTH ? `${flat.slice(0, NOTE_LENGTH)}…` : flat;
}

function isGone(path: string): boolean {
  try {
    lstatSync(path);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * Remove a tree whatever a program left in it; null when it is gone, or a one-line note
 * of what stayed. Never throws: a leftover tree costs disk space, not the run.
 *
 * rmSync handles the ordinary tree. What defeats it (paths deeper than PATH_MAX, names
 * that are not UTF-8, directories without write or search permission, immutable and
 * append-only flags) is left to the GNU tools, which walk with descriptors and never
 * follow links: chattr (root only: only root can set those flags, and only root may
 * clear them), chmod, then rm, which also stays off other filesystems (a mount point
 * inside the tree is not ours to empty).
 */
export function removeTree(path: string): string | null {
  const absolute = resolve(path); // no argument to the tools below can then pass for an option
  try {
    rmSync(absolute, { recursive: true, force: true });
  } catch {
    // what stays is handled below
  }
  if (isGone(absolute)) return null;
  const asRoot = process.getuid?.() === 0;
  // chattr builds full paths and fails past PATH_MAX; its exit status also counts the
  // links and FIFOs it declines to touch, so only what stays at the end is reported.
  if (asRoot) runTool('chattr', ['-R', '-f', '-i', '-a', '--', absolute]);
  runTool('chmod', ['-R', '-f', 'u+rwx', '--', absolute]);
  let note = runTool('rm', ['-rf', '--one-file-system', '--', absolute]);
  if (isGone(absolute)) return null;
  if (asRoot) {
    // Flags chattr could not reach: find runs it from inside each directory on `./name`.
    runTool('find', [absolute, '-xdev', '(', '-type', 'f', '-o', '-type', 'd', ')', '-execdir', 'chattr', '-f', '-i', '-a', '--', '{}', '+']);
    note = runTool('rm', ['-rf', '--one-file-system', '--', absolute]);
    if (isGone(absolute)) return null;
  }
  return oneLine(`${absolute} was not fully removed: ${note ?? 'it is still there'}`);
}

/** Remove a sandbox root (see {@link removeTree}); null when it is gone, or a note of what stayed. */
export function removeSandbox(paths: SandboxPaths): string | null {
  return removeTree(paths.root);
}
