/**
 * The implementations qfc brings: the reference pair, and `--receiver` / `--sender`
 * shortcuts that wrap any shell command line.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeBackend } from '../../implementations/reference/receiver/open-target.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { DEFAULT_MEMORY_LIMIT_MIB, DEFAULT_TIME_LIMIT_MS, UPSTREAM_PROFILE_ARGS, type Implementation } from './implementation.js';

const bin = (name: string): string[] => [process.execPath, join(PACKAGE_ROOT, 'dist', 'bin', `${name}.js`)];

/** The bundled reference pair (built into dist/bin by npm ci). */
export function referenceImplementation(): Implementation {
  if (!existsSync(join(PACKAGE_ROOT, 'dist', 'bin', 'qfile-unpacker.js'))) {
    throw new Error('the reference programs are not built: run npm ci (or npm run build)');
  }
  const backend = describeBackend();
  return {
    name: `qfc reference (${backend.startsWith('native') ? 'native addon' : 'pure-Node fallback'})`,
    receiver: { argv: bin('qfile-unpacker'), profiles: UPSTREAM_PROFILE_ARGS, timeResolution: backend.startsWith('native') ? 'ns' : 'us' },
    sender: { argv: bin('qfile-agent'), ignoreSymlinks: ['--ignore-symlinks'] },
    openInVm: { client: bin('qopen-in-vm'), server: bin('vm-file-editor') },
    timeLimitMs: DEFAULT_TIME_LIMIT_MS,
    memoryLimitMiB: DEFAULT_MEMORY_LIMIT_MIB,
    bindRo: [],
  };
}

/** Shell syntax beyond words: a command line without it is one simple command. */
const SHELL_SYNTAX = /[;&|<>()`$\n\\*?[\]{}~#]|^\s*\w+=/;

/**
 * A command line run through /bin/sh, with the profile arguments appended as "$@". A simple
 * command is exec'd, so that the program itself is the supervised process and its own end
 * (a signal such as the sandbox's SIGSYS) is seen, not a shell's exit status.
 */
export function shellCommand(command: string, label: string): string[] {
  return ['/bin/sh', '-c', `${SHELL_SYNTAX.test(command) ? '' : 'exec '}${command} "$@"`, label];
}
