/**
 * What of the host a contained program sees (INTERPRETING.md §2, "What is visible").
 *
 * bubblewrap starts from an empty root; qfc binds into it, read-only, only what a program
 * needs to run: the system's programs and libraries, a few files of /etc that name users and
 * libraries, the programs under test with their own directories, qfc's bundled programs and
 * whatever the user adds with `--bind-ro`. Nothing secret is there: no /root or /home (beyond
 * a program's own directory), no /etc/shadow, no host /tmp, /dev/shm or /run, no sockets.
 */
import { existsSync, lstatSync, openSync, readlinkSync, readSync, closeSync, realpathSync, statSync, accessSync, constants } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

/** Top-level system directories, bound (or re-created as the links they are). */
export const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32'] as const;

/** The files of /etc a program may need: the dynamic linker's cache, users and groups, time zone. */
export const ETC_PATHS = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/passwd',
  '/etc/group',
  '/etc/nsswitch.conf',
  '/etc/localtime',
  '/etc/alternatives',
  '/etc/os-release',
] as const;

/**
 * Directories too broad to bind because a program sits in them: its file alone is bound
 * instead (a program in /root must not bring /root's secrets with it).
 */
const BROAD = new Set(['/', '/root', '/home', '/tmp', '/var', '/var/tmp', '/etc', '/dev', '/proc', '/sys', '/run', '/opt', '/srv', '/mnt', '/media']);

/** qfc's own files that its bundled programs need: the bundles and the native addon. */
export function bundledPaths(): string[] {
  return [join(PACKAGE_ROOT, 'dist'), join(PACKAGE_ROOT, 'implementations', 'reference', 'native', 'build'), join(PACKAGE_ROOT, 'package.json')].filter((path) => existsSync(path));
}

function isSystemPath(path: string): boolean {
  return SYSTEM_PATHS.some((system) => path === system || path.startsWith(`${system}/`));
}

function isHome(path: string): boolean {
  return BROAD.has(path) || /^\/home\/[^/]+$/.test(path);
}

/** The executable file `name` is in PATH (absolute entries only), or null. */
export function executableInPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The interpreter a script names on its `#!` line, or null. */
export function interpreterOf(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(256);
    const n = readSync(fd, head, 0, head.length, 0);
    const line = head.subarray(0, n).toString('latin1').split('\n')[0]!;
    return line.startsWith('#!') ? (line.slice(2).trim().split(/\s+/)[0] ?? null) : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * What must be bound for one existing path that a program names: a directory itself, a file
 * with its directory (a program loads its neighbours), or the file alone in a broad directory.
 */
function bindingsFor(path: string, into: Set<string>, depth = 0): void {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return;
  }
  if (isSystemPath(real) || depth > 3) {
    // still follow a script's interpreter, which may live elsewhere (a node under /opt)
  } else if (statSync(real).isDirectory()) {
    if (!isHome(real)) into.add(real);
  } else {
    into.add(isHome(dirname(real)) ? real : dirname(real));
  }
  if (statSync(real).isFile()) {
    const interpreter = interpreterOf(real);
    if (interpreter !== null && isAbsolute(interpreter) && depth <= 3) bindingsFor(interpreter, into, depth + 1);
  }
}

/**
 * The host paths the programs need beyond the system's: every absolute path named in their
 * argument vectors (words of a shell command line included), bare program names found in
 * PATH, the interpreters their `#!` lines name, the node running qfc (when it lives outside
 * /usr, as with nvm) and qfc's bundled programs. Sorted, without paths inside others.
 */
export function programPaths(argvs: readonly (readonly string[])[]): string[] {
  const found = new Set<string>();
  const words = argvs.flatMap((argv) => argv.flatMap((arg) => arg.split(/[\s'"=:;|&()<>]+/)));
  for (const word of words) {
    if (word === '') continue;
    if (isAbsolute(word)) {
      if (existsSync(word)) bindingsFor(word, found);
    } else if (/^[\w@%+,.-]+$/.test(word) && !word.startsWith('-')) {
      const program = executableInPath(word);
      if (program !== null) bindingsFor(program, found);
    }
  }
  bindingsFor(process.execPath, found);
  const realNode = (() => {
    try {
      return realpathSync(process.execPath);
    } catch {
      return process.execPath;
    }
  })();
  // A node of its own prefix (nvm, a tarball) keeps its lib/ beside bin/.
  const prefix = dirname(dirname(realNode));
  if (!isSystemPath(realNode) && !isHome(prefix)) found.add(prefix);
  for (const path of bundledPaths()) found.add(path);
  const sorted = [...found].sort();
  return sorted.filter((path) => !sorted.some((other) => other !== path && path.startsWith(`${other}/`)));
}

/** bwrap arguments that build the read-only view of the host (system, /etc, `extra` paths). */
export function hostViewArgs(extra: readonly string[]): string[] {
  const args: string[] = [];
  for (const path of SYSTEM_PATHS) {
    let stats;
    try {
      stats = lstatSync(path);
    } catch {
      continue;
    }
    if (stats.isSymbolicLink()) args.push('--symlink', readlinkSync(path), path);
    else if (stats.isDirectory()) args.push('--ro-bind', path, path);
  }
  for (const path of ETC_PATHS) if (existsSync(path)) args.push('--ro-bind', path, path);
  for (const path of extra) if (existsSync(path)) args.push('--ro-bind', path, path);
  return args;
}
