/**
 * Read what a program left in its sandbox without following its links. A hostile program can
 * replace any file qfc reads back (the opener's log, the edited original, a directory it
 * lists) with a symlink to a host file: qfc runs outside the sandbox, so following it would
 * put /etc/shadow into the report. Every component below the sandbox root must be a real
 * directory and the last a regular file (or directory); otherwise the answer is null. Only
 * called once every program of the run is gone, so nothing changes between the checks.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join, relative as relativePath, sep } from 'node:path';

/** True when every component of `path` below `root` is what lstat says without following. */
function plainPath(root: string, path: string, last: 'file' | 'directory'): boolean {
  const inside = relativePath(root, path);
  if (inside.startsWith('..') || inside === '') return last === 'directory' && inside === '';
  const parts = inside.split(sep);
  let current = root;
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    let stats;
    try {
      stats = lstatSync(current);
    } catch {
      return false;
    }
    const want = index === parts.length - 1 ? last : 'directory';
    if (want === 'file' ? !stats.isFile() : !stats.isDirectory()) return false;
  }
  return true;
}

/** The text of a regular file under `root` (at most `cap` bytes), or null when it is not one. */
export function readSandboxFile(root: string, path: string, cap = 1 << 20): string | null {
  if (!plainPath(root, path, 'file')) return null;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    if (!fstatSync(fd).isFile()) return null;
    const buffer = Buffer.alloc(cap);
    let length = 0;
    for (let n = readSync(fd, buffer, length, cap - length, null); n > 0 && length < cap; n = length < cap ? readSync(fd, buffer, length, cap - length, null) : 0) length += n;
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The names in a real directory under `root`, or null when it is not one. */
export function listSandboxDirectory(root: string, path: string): string[] | null {
  if (!plainPath(root, path, 'directory')) return null;
  try {
    return readdirSync(path);
  } catch {
    return null;
  }
}
