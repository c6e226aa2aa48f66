#!/usr/bin/env node
/**
 * qfile-unpacker: the reference qubes.Filecopy receiver.
 *
 * Receives the stream on stdin into the current directory, writes the result header (and
 * its extension) on stdout and exits with the result code modulo 256, like upstream's
 * modern qfile-unpacker. Options:
 *   --allow-all-names / --no-allow-all-names           unsafe characters in names
 *   --allow-unsafe-symlinks / --no-allow-unsafe-symlinks  links may point anywhere
 *   -v, --verbose                  print each non-directory name on stderr
 *   -w, --wait-for-space N         before each file, wait until N bytes more than it are free
 *   --bytes-limit N, --files-limit N  limits (also QFC_BYTES_LIMIT, QFC_FILES_LIMIT; 0 = none)
 *   --version, --help
 * Bad usage: one line on stderr, exit status 2, nothing read and no result sent.
 */
import { statfsSync, writeSync } from 'node:fs';
import { REFERENCE_VERSION } from '../version.js';
import { BackendError, describeBackend } from './open-target.js';
import { stdinChunks } from './stdin-chunks.js';
import { unpack, type UnpackOptions } from './unpack.js';

const USAGE =
  'usage: qfile-unpacker [--allow-all-names|--no-allow-all-names] [--allow-unsafe-symlinks|--no-allow-unsafe-symlinks] ' +
  '[-v|--verbose] [-w|--wait-for-space N] [--bytes-limit N] [--files-limit N] [--version]';

class UsageError extends Error {}

function count(value: string | undefined, what: string): bigint {
  if (value === undefined || !/^\d{1,20}$/.test(value) || BigInt(value) >= 2n ** 64n) {
    throw new UsageError(`${what} takes a whole number, not '${value ?? ''}'`);
  }
  return BigInt(value);
}

interface Command {
  readonly options: UnpackOptions;
  readonly waitMargin: bigint;
  readonly verbose: boolean;
  readonly info: 'version' | 'help' | null;
}

function parse(argv: readonly string[]): Command {
  let unsafeNames = false;
  let unsafeLinks = false;
  let verbose = false;
  let waitMargin = 0n;
  let info: Command['info'] = null;
  const env = process.env;
  let bytesLimit = env.QFC_BYTES_LIMIT === undefined ? 0n : count(env.QFC_BYTES_LIMIT, 'QFC_BYTES_LIMIT');
  let filesLimit = env.QFC_FILES_LIMIT === undefined ? 0n : count(env.QFC_FILES_LIMIT, 'QFC_FILES_LIMIT');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--allow-all-names': unsafeNames = true; break;
      case '--no-allow-all-names': unsafeNames = false; break;
      case '--allow-unsafe-symlinks': unsafeLinks = true; break;
      case '--no-allow-unsafe-symlinks': unsafeLinks = false; break;
      case '-v': case '--verbose': verbose = true; break;
      case '-w': case '--wait-for-space': waitMargin = count(value(), flag); break;
      case '--bytes-limit': bytesLimit = count(value(), flag); break;
      case '--files-limit': filesLimit = count(value(), flag); break;
      case '--version': info = 'version'; break;
      case '--help': info = 'help'; break;
      default:
        throw new UsageError(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument '${arg}' (the target is the current directory)`);
    }
  }
  const options: UnpackOptions = { allowUnsafeCharacters: unsafeNames, allowUnsafeSymlinks: unsafeLinks, bytesLimit, filesLimit };
  return { options, waitMargin, verbose, info };
}

/** Block until the target's filesystem has room for `length` plus the margin (upstream polls every second). */
function waitForSpace(length: bigint, margin: bigint): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const { bavail, bsize } = statfsSync('.', { bigint: true });
    if (bavail * bsize >= length + margin) return;
    Atomics.wait(pause, 0, 0, 1000);
  }
}

function version(): string {
  return `qfile-unpacker (qfc reference receiver) ${REFERENCE_VERSION}\nbackend: ${describeBackend()}`;
}

async function main(): Promise<number> {
  let command: Command;
  try {
    command = parse(process.argv.slice(2));
    if (command.info === 'help') return (process.stdout.write(`${USAGE}\n`), 0);
    if (command.info === 'version') return (process.stdout.write(`${version()}\n`), 0);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof BackendError)) throw error;
    process.stderr.write(`qfile-unpacker: ${error.message}\n`);
    return 2;
  }
  const { waitMargin, verbose } = command;
  const options: UnpackOptions = {
    ...command.options,
    onEntry: verbose ? (name) => writeSync(2, Buffer.concat([name, Buffer.from('\n')])) : undefined,
    beforeFile: waitMargin > 0n ? (length) => waitForSpace(length, waitMargin) : undefined,
  };
  let result;
  try {
    result = await unpack(stdinChunks(), '.', options);
  } catch (error) {
    process.stderr.write(`qfile-unpacker: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    writeSync(1, result.wire);
  } catch {
    // the sender has gone: the exit status still tells the caller
  }
  return result.exitStatus;
}

process.exit(await main());
