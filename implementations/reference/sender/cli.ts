#!/usr/bin/env node
/**
 * qfile-agent: the reference qubes.Filecopy sender.
 *
 *   qfile-agent [--ignore-symlinks] [--] PATH...
 *
 * Writes the stream for PATH... on stdout and reads the receiver's result on stdin. Exits
 * 0 only when the receiver reports success with the sender's CRC; otherwise prints one
 * line (the receiver's error with its sanitized last name, a checksum mismatch, a
 * malformed result) on stderr and exits 1. Bad usage: one line, exit 2.
 */
import { pack } from './pack.js';

const USAGE = 'usage: qfile-agent [--ignore-symlinks] [--] PATH...';

function parse(argv: readonly string[]): { paths: string[]; ignoreSymlinks: boolean } | string {
  const paths: string[] = [];
  let ignoreSymlinks = false;
  let options = true;
  for (const arg of argv) {
    if (options && arg === '--') options = false;
    else if (options && arg === '--ignore-symlinks') ignoreSymlinks = true;
    else if (options && arg === '--help') return USAGE;
    else if (options && arg.startsWith('-') && arg !== '-') return `unknown option ${arg} (${USAGE})`;
    else paths.push(arg);
  }
  return { paths, ignoreSymlinks };
}

/** Resolves when `stream` can take more, or has failed or closed (the receiver went away). */
function writable(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      for (const event of ['drain', 'error', 'close']) stream.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'error', 'close']) stream.on(event, done);
  });
}

async function main(): Promise<number> {
  const command = parse(process.argv.slice(2));
  if (typeof command === 'string') {
    process.stderr.write(`qfile-agent: ${command}\n`);
    return command === USAGE ? 0 : 2;
  }
  const transfer = pack(command.paths, { ignoreSymlinks: command.ignoreSymlinks });
  process.stdin.on('data', (chunk: Buffer) => transfer.receive(chunk));
  process.stdin.on('end', () => transfer.end());
  process.stdin.on('error', () => transfer.end());
  let broken = false;
  process.stdout.on('error', () => {
    broken = true; // the receiver stopped reading (EPIPE): its result says why
  });
  for await (const chunk of transfer.chunks()) {
    if (broken) break;
    if (!process.stdout.write(chunk)) await writable(process.stdout);
  }
  // Our side is done: the receiver sees end of input, answers and closes.
  process.stdout.end();
  const outcome = await transfer.outcome;
  if (outcome.message !== null) process.stderr.write(`qfile-agent: ${outcome.message}\n`);
  return outcome.exitStatus;
}

process.exitCode = await main();
process.stdin.destroy();
