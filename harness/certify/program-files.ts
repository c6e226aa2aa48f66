/**
 * The files an implementation's commands run, for a certificate: every word of a command
 * that names a file (an absolute or relative path, or a program found in PATH — shell
 * commands included, word by word), the interpreters their `#!` lines name (`/usr/bin/env X`
 * resolved to X), each by its real path with its SHA-256. What a certificate holder ran can
 * then be checked against what they ship.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { executableInPath, interpreterOf } from '../sandbox/host-view.js';

/** One file a command ran, by its real path. */
export interface ProgramFile {
  readonly path: string;
  readonly sha256: string;
}

const MAX_INTERPRETER_DEPTH = 3;

function realFile(path: string): string | null {
  try {
    const real = realpathSync(path);
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** The file a word of a command names, or null (an option, a value, a word that is no file). */
function fileOfWord(word: string, cwd: string): string | null {
  if (word === '' || word.startsWith('-')) return null;
  if (isAbsolute(word) || word.includes('/')) return realFile(resolve(cwd, word));
  if (!/^[\w@%+,.-]+$/.test(word)) return null;
  const program = executableInPath(word);
  return program === null ? null : realFile(program);
}

/** The files `argvs` run, sorted by path, with their digests. */
export function programFiles(argvs: readonly (readonly string[])[], cwd = process.cwd()): ProgramFile[] {
  const found = new Set<string>();
  const add = (path: string | null, depth: number): void => {
    if (path === null || found.has(path)) return;
    found.add(path);
    const interpreter = depth < MAX_INTERPRETER_DEPTH ? interpreterOf(path) : null;
    if (interpreter === null) return;
    add(realFile(interpreter), depth + 1);
    // `#!/usr/bin/env node`: the program env runs is the one that matters.
    const line = readFileSync(path).subarray(0, 256).toString('latin1').split('\n')[0]!;
    const [, program] = line.slice(2).trim().split(/\s+/);
    if (interpreter.endsWith('/env') && program !== undefined) add(fileOfWord(program, cwd), depth + 1);
  };
  for (const word of argvs.flatMap((argv) => argv.flatMap((arg) => arg.split(/[\s'"=:;|&()<>]+/)))) add(fileOfWord(word, cwd), 0);
  return [...found].sort().map((path) => ({ path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') }));
}
