#!/usr/bin/env node
/**
 * qopen-in-vm: the reference qubes.OpenInVM client (PROTOCOL §8).
 *
 *   qopen-in-vm [--view-only] FILE
 *
 * Sends the 256-byte filename field and FILE's content on stdout, closes it, then reads the
 * reply on stdin. When viewing only, the reply is discarded. Otherwise the reply goes to a
 * new temporary file beside FILE; a non-empty reply then replaces FILE atomically (rename,
 * keeping FILE's permission bits) and an empty one changes nothing. When FILE's directory
 * is not writable the reply is kept as $QFC_TMPDIR (or /tmp)/file_edited_in_dvm.XXXXXX and
 * the user is told where. Failures: one line on stderr, exit 1; bad usage: exit 2.
 */
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFilenameField } from '../../../spec/codec/filename-field.js';
import { copyAll } from './read-exactly.js';

const USAGE = 'usage: qopen-in-vm [--view-only] FILE';
const EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

class Failure extends Error {}

function parse(argv: readonly string[]): { file: string; viewOnly: boolean } | null {
  const rest = argv.filter((arg) => arg !== '--view-only');
  if (rest.length !== 1 || rest[0]!.startsWith('-')) return null;
  return { file: rest[0]!, viewOnly: rest.length !== argv.length };
}

/** A new private file next to `base` (`base.XXXXXX`), or null when that directory refuses it. */
function createBeside(base: string): { path: string; fd: number } | null {
  for (let attempt = 0; attempt < 100; attempt++) {
    const path = `${base}.${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}`;
    try {
      return { path, fd: openSync(path, EXCLUSIVE, 0o600) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return null;
    }
  }
  return null;
}

function send(file: string, viewOnly: boolean): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY);
  } catch (error) {
    throw new Failure(`cannot open ${file}: ${(error as NodeJS.ErrnoException).code}`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new Failure(`${file} is not a regular file`);
    writeSync(1, encodeFilenameField(Buffer.from(file), viewOnly));
    copyAll(fd, 1);
  } finally {
    closeSync(fd);
  }
  closeSync(1); // the server reads the content until our output ends
}

/** Copy the reply into `temp`; true when it was not empty (an empty one is removed). */
function takeReply(temp: { path: string; fd: number }, mode: number | null): boolean {
  let size: number;
  try {
    size = copyAll(0, temp.fd);
    if (size > 0) {
      if (mode !== null) fchmodSync(temp.fd, mode);
      fsyncSync(temp.fd);
    }
  } finally {
    closeSync(temp.fd);
  }
  if (size === 0) unlinkSync(temp.path);
  return size > 0;
}

function receive(file: string): void {
  const beside = createBeside(file);
  if (beside !== null) {
    if (takeReply(beside, statSync(file).mode & 0o7777)) renameSync(beside.path, file);
    return;
  }
  // The file's directory is not writable: keep the reply elsewhere and say so.
  const kept = createBeside(join(process.env.QFC_TMPDIR ?? '/tmp', 'file_edited_in_dvm'));
  if (kept === null) throw new Failure(`${file} was edited, but no temporary file could be created for the new content`);
  if (takeReply(kept, null)) {
    process.stderr.write(`qopen-in-vm: ${file} was edited, but its directory is not writable; the edited file is saved as ${kept.path}\n`);
  }
}

/** Read the reply to its end and drop it (viewing only: nothing may change). */
function discardInput(): void {
  const sink = openSync('/dev/null', 'w');
  try {
    copyAll(0, sink);
  } finally {
    closeSync(sink);
  }
}

function main(): number {
  const command = parse(process.argv.slice(2));
  if (command === null) {
    process.stderr.write(`qopen-in-vm: ${USAGE}\n`);
    return 2;
  }
  try {
    send(command.file, command.viewOnly);
    if (command.viewOnly) discardInput();
    else receive(command.file);
    return 0;
  } catch (error) {
    if (!(error instanceof Failure || (error as NodeJS.ErrnoException).code !== undefined)) throw error;
    process.stderr.write(`qopen-in-vm: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = main();
