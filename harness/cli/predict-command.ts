/**
 * `qfc predict FILE`: what the executable spec says a receiver does with a stream.
 */
import { readFileSync } from 'node:fs';
import { encodePathKey, predict, type Prediction, type ReceiverOptions, type TreeEntry } from '../../spec/index.js';
import { UsageError, type ParsedArguments } from './arguments.js';
import { resultCodeName } from './result-code-name.js';

export const PREDICT_USAGE = `usage: qfc predict FILE|- [--mode spec|upstream] [--allow-all-names] [--allow-unsafe-symlinks]
                   [--no-non-canonical-symlinks] [--no-directories] [--no-symlinks]
                   [--bytes-limit N] [--files-limit N] [--root] [--no-tmpfile] [--json]`;

function limit(value: string | undefined, flag: string): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,20}$/.test(value) || BigInt(value) >= 2n ** 64n) throw new UsageError(`${flag} takes a whole number of bytes or files, not '${value}'`);
  return BigInt(value);
}

function optionsOf(args: ParsedArguments): ReceiverOptions {
  const mode = args.value('--mode') ?? 'spec';
  if (mode !== 'spec' && mode !== 'upstream') throw new UsageError(`--mode is 'spec' or 'upstream', not '${mode}'`);
  return {
    mode,
    allowUnsafeCharacters: args.flag('--allow-all-names'),
    allowUnsafeSymlinks: args.flag('--allow-unsafe-symlinks'),
    allowNonCanonicalSymlinks: !args.flag('--no-non-canonical-symlinks'),
    allowDirectories: !args.flag('--no-directories'),
    allowSymlinks: !args.flag('--no-symlinks'),
    bytesLimit: limit(args.value('--bytes-limit'), '--bytes-limit'),
    filesLimit: limit(args.value('--files-limit'), '--files-limit'),
    privileged: args.flag('--root'),
    upstreamTmpfile: !args.flag('--no-tmpfile'),
  };
}

function readStream(path: string): Uint8Array {
  try {
    const buffer = readFileSync(path === '-' ? 0 : path);
    // A plain view, so that names cut from it serialise as keys, not as Buffer objects.
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function describeEntry(entry: TreeEntry): string {
  const permissions = (entry.mode & 0o7777).toString(8).padStart(4, '0');
  const mtime = entry.mtimeNs === null ? 'mtime from the clock' : `mtime ${entry.mtimeNs} ns`;
  if (entry.type === 'symlink') return `  link ${JSON.stringify(entry.path)} -> ${JSON.stringify(entry.target)}`;
  if (entry.type === 'directory') return `  dir  ${JSON.stringify(entry.path)} ${permissions} ${mtime}`;
  return `  file ${JSON.stringify(entry.path)} ${permissions} ${entry.size} bytes sha256 ${entry.digest!.slice(0, 16)}… ${mtime}`;
}

function describe(prediction: Prediction): string {
  const { result } = prediction;
  const lines = [
    result.sent
      ? `result ${resultCodeName(result.errorCode)}, crc32 ${result.crc32.toString(16).padStart(8, '0')}, last name ${result.lastName === null ? '(no extension)' : JSON.stringify(encodePathKey(result.lastName))}`
      : 'no result header (the receiver dies)',
    `exit status ${prediction.exitStatus}; ${prediction.bytesConsumed} bytes consumed; decided at the ${prediction.phase} by ${prediction.clause}`,
  ];
  if (prediction.quirks.length > 0) lines.push(`upstream quirks: ${prediction.quirks.join(', ')}`);
  lines.push(`tree (${prediction.tree.length} entries)${prediction.tree.length > 0 ? ':' : ''}`, ...prediction.tree.map(describeEntry));
  return lines.join('\n');
}

function toJson(prediction: Prediction): string {
  return JSON.stringify(
    prediction,
    (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Uint8Array) return encodePathKey(value);
      return value;
    },
    2,
  );
}

/** Run the command; returns the text to print. */
export function predictCommand(args: ParsedArguments): string {
  const [file, ...extra] = args.positional;
  if (file === undefined || extra.length > 0) throw new UsageError(PREDICT_USAGE);
  const prediction = predict(readStream(file), optionsOf(args));
  return args.flag('--json') ? toJson(prediction) : describe(prediction);
}
