/**
 * How to start the Node process that runs Jazzer.js.
 *
 * `@jazzer.js/core` 4.0.0 ships its libFuzzer addon built against glibc ≥ 2.38 and
 * GLIBCXX_3.4.32. Debian 13 has them; Debian 12 (glibc 2.36) cannot load the addon. On
 * such a host the fuzzer's own node process is started through Debian 13's dynamic
 * loader with Debian 13's libc, libstdc++ and libgcc, kept in a git-ignored cache:
 *
 *   <cache>/root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \
 *     --library-path <cache>/root/usr/lib/x86_64-linux-gnu node …
 *
 * The three packages are fetched once with `apt-get download` from the `trixie` suite of
 * the archive this machine already uses (read from its own apt sources), using a private
 * sources list and state directory: the system's apt configuration is never touched.
 * They are unpacked with `dpkg -x` into a temporary directory that is renamed into place
 * only after a loading test passed, so an interrupted fetch never leaves a half runtime.
 * The loader is passed explicitly (no LD_LIBRARY_PATH), so programs the fuzzer spawns keep
 * the system's libc.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.js';
import { systemDebianArchive } from './apt-archive.js';

/** A command prefix that starts a Node able to load Jazzer.js. */
export interface NodeLauncher {
  readonly command: string;
  /** Arguments before the script (the loader's own arguments and node, or nothing). */
  readonly args: readonly string[];
  /** `'system'` or `'compat'`, for logs and reports. */
  readonly runtime: 'system' | 'compat';
}

/** Thrown when no Node that can load Jazzer.js can be had; the message is one line for the user. */
export class JazzerRuntimeError extends Error {
  override readonly name = 'JazzerRuntimeError';
}

const COMPAT_SUITE = 'trixie';
const PACKAGES = ['libc6', 'libstdc++6', 'libgcc-s1'];
const LIBRARY_DIR = 'usr/lib/x86_64-linux-gnu';
const LOADER = 'ld-linux-x86-64.so.2';
const PROBE = "require('@jazzer.js/fuzzer')";

/** Default cache: `.cache/jazzer-runtime` in the package root (git-ignored). */
export const DEFAULT_RUNTIME_CACHE = join(PACKAGE_ROOT, '.cache', 'jazzer-runtime');

function canLoadJazzer(command: string, args: readonly string[]): boolean {
  const probe = spawnSync(command, [...args, '-e', PROBE], { cwd: PACKAGE_ROOT, stdio: 'ignore', timeout: 60_000 });
  return probe.status === 0;
}

function compatLauncher(root: string): NodeLauncher {
  const libraries = join(root, LIBRARY_DIR);
  return { command: join(libraries, LOADER), args: ['--library-path', libraries, process.execPath], runtime: 'compat' };
}

function run(command: string, args: readonly string[], cwd: string, what: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  if (result.error !== undefined || result.status !== 0) {
    const reason = result.error?.message ?? result.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${result.status}`;
    throw new JazzerRuntimeError(`${what} failed: ${reason}`);
  }
}

/** Fetch and unpack the compatibility runtime into `<cache>/root`. */
function fetchCompatRuntime(cache: string, log: (line: string) => void): void {
  if (process.arch !== 'x64') throw new JazzerRuntimeError(`the Jazzer.js compatibility runtime is only built for x86_64, not ${process.arch}`);
  const archive = systemDebianArchive();
  if (archive === null) throw new JazzerRuntimeError('no Debian archive in /etc/apt to fetch the Jazzer.js compatibility runtime from');
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, 'fetch-'));
  try {
    const apt = join(work, 'apt');
    for (const dir of ['etc/sources.list.d', 'etc/preferences.d', 'state/lists/partial', 'cache/archives/partial', 'debs']) {
      mkdirSync(join(apt, dir), { recursive: true });
    }
    writeFileSync(join(apt, 'state/status'), '');
    const signed = archive.signedBy === null ? '' : `[signed-by=${archive.signedBy}] `;
    writeFileSync(join(apt, 'etc/sources.list'), `deb ${signed}${archive.uri} ${COMPAT_SUITE} main\n`);
    const options = [
      `Dir::Etc::sourcelist=${join(apt, 'etc/sources.list')}`,
      `Dir::Etc::sourceparts=${join(apt, 'etc/sources.list.d')}`,
      `Dir::Etc::preferences=${join(apt, 'etc/preferences')}`,
      `Dir::Etc::preferencesparts=${join(apt, 'etc/preferences.d')}`,
      `Dir::State=${join(apt, 'state')}`,
      `Dir::State::status=${join(apt, 'state/status')}`,
      `Dir::Cache=${join(apt, 'cache')}`,
      'Debug::NoLocking=1',
      'APT::Sandbox::User=root',
    ].flatMap((option) => ['-o', option]);
    log(`fetching ${PACKAGES.join(', ')} from ${COMPAT_SUITE} (${archive.uri}) for Jazzer.js`);
    run('apt-get', [...options, '-q', 'update'], apt, `apt-get update (${COMPAT_SUITE})`);
    run('apt-get', [...options, '-q', 'download', ...PACKAGES], join(apt, 'debs'), 'apt-get download');
    const root = join(work, 'root');
    for (const deb of readdirSync(join(apt, 'debs')).filter((name) => name.endsWith('.deb'))) {
      run('dpkg', ['-x', join(apt, 'debs', deb), root], work, `dpkg -x ${deb}`);
    }
    if (!canLoadJazzer(compatLauncher(root).command, compatLauncher(root).args)) {
      throw new JazzerRuntimeError(`Jazzer.js does not load even with ${COMPAT_SUITE}'s libc; see ${work}`);
    }
    try {
      renameSync(root, join(cache, 'root'));
    } catch (error) {
      // Another run finished first: its runtime passed the same test, use it.
      if (!existsSync(join(cache, 'root', LIBRARY_DIR, LOADER))) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The launcher for Jazzer.js on this host: the system's node when it can load the addon,
 * otherwise the compatibility runtime (fetched on first use into `cache`).
 * `QFC_JAZZER_RUNTIME=system|compat` forces one.
 */
export function jazzerNodeLauncher(cache = DEFAULT_RUNTIME_CACHE, log: (line: string) => void = () => {}): NodeLauncher {
  const forced = process.env.QFC_JAZZER_RUNTIME;
  if (forced !== undefined && forced !== 'system' && forced !== 'compat') {
    throw new JazzerRuntimeError(`QFC_JAZZER_RUNTIME must be 'system' or 'compat', not '${forced}'`);
  }
  if (forced !== 'compat' && canLoadJazzer(process.execPath, [])) return { command: process.execPath, args: [], runtime: 'system' };
  if (forced === 'system') throw new JazzerRuntimeError('the system node cannot load Jazzer.js (QFC_JAZZER_RUNTIME=system)');
  const root = join(cache, 'root');
  if (!existsSync(join(root, LIBRARY_DIR, LOADER))) fetchCompatRuntime(cache, log);
  const launcher = compatLauncher(root);
  if (!canLoadJazzer(launcher.command, launcher.args)) {
    throw new JazzerRuntimeError(`the cached runtime in ${root} cannot load Jazzer.js; delete it to fetch it again`);
  }
  return launcher;
}

/**
 * A script that starts the Node of `launcher` with `preload` imported first, for the Jazzer.js
 * workers: libFuzzer starts its subprocesses (-minimize_crash, -fork) from the script
 * Jazzer.js writes from `argv[0]`, which must therefore start a working node by itself.
 * Written (atomically) into the runtime cache; its path.
 */
export function launcherScript(launcher: NodeLauncher, preload: string, cache = DEFAULT_RUNTIME_CACHE): string {
  const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [launcher.command, ...launcher.args, '--import', preload].map(quote).join(' ');
  mkdirSync(cache, { recursive: true });
  const path = join(cache, `launch-${launcher.runtime}.sh`);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `#!/bin/sh\nexec ${command} "$@"\n`, { mode: 0o755 });
  renameSync(temporary, path);
  return path;
}
