#!/usr/bin/env node
/**
 * vm-file-editor: the reference qubes.OpenInVM server (PROTOCOL §8).
 *
 * Reads the 256-byte filename field and the file content from stdin, stores the file under
 * its sanitized name in a fresh private directory `<root>/<remote-vm>-XXXXXX` (mode 0600,
 * 0400 when viewing only), runs the opener on it and waits; if the opener changed the
 * file's mtime (and viewing was not asked for), sends the new content back on stdout. The
 * private directory is removed at exit, whatever happened.
 *
 *   vm-file-editor [--opener PROGRAM] [--root DIR]
 * The opener is `--opener`, else $QFC_OPENER, else qubes-open; the root is `--root`, else
 * $QFC_EDITOR_ROOT, else /tmp; the remote VM is $QREXEC_REMOTE_DOMAIN. A refused name or
 * remote, or a short field: one line on stderr, exit 1, nothing written anywhere.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, constants, fstatSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFilenameField } from '../../../spec/codec/filename-field.js';
import { sanitizeEditorFileName } from '../../../spec/codec/editor-file-name.js';
import { FILENAME_FIELD_SIZE } from '../../../spec/constants.js';
import { copyAll, readUpTo } from './read-exactly.js';

class Refusal extends Error {}

function remoteDomain(): string {
  const remote = process.env.QREXEC_REMOTE_DOMAIN;
  if (remote === undefined) throw new Refusal('QREXEC_REMOTE_DOMAIN is not set');
  if (remote === '' || remote.includes('/') || remote === '.' || remote === '..') throw new Refusal(`invalid remote domain name '${remote}'`);
  return remote;
}

function options(argv: readonly string[]): { opener: string; root: string } {
  let opener = process.env.QFC_OPENER ?? 'qubes-open';
  let root = process.env.QFC_EDITOR_ROOT ?? '/tmp';
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if ((argv[i] === '--opener' || argv[i] === '--root') && value !== undefined) {
      if (argv[i] === '--opener') opener = value;
      else root = value;
      i++;
    } else throw new Refusal(`usage: vm-file-editor [--opener PROGRAM] [--root DIR] (unexpected '${argv[i]}')`);
  }
  return { opener, root };
}

function main(): number {
  const { opener, root } = options(process.argv.slice(2));
  const remote = remoteDomain();
  const field = decodeFilenameField(readUpTo(0, FILENAME_FIELD_SIZE));
  if (!field.ok) throw new Refusal(`the filename field is cut short (${field.error.available} of ${FILENAME_FIELD_SIZE} bytes)`);
  const name = sanitizeEditorFileName(field.value.name);
  if (!name.ok) throw new Refusal(`refusing the file name (${name.reason})`);
  const { viewOnly } = field.value;

  const directory = mkdtempSync(join(root, `${remote}-`));
  try {
    const file = join(directory, Buffer.from(name.name).toString('ascii'));
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, viewOnly ? 0o400 : 0o600);
    try {
      copyAll(0, fd);
    } finally {
      closeSync(fd);
    }
    const before = statSync(file, { bigint: true }).mtimeNs;
    // The opener's output must not mix with the reply on stdout: send it to stderr.
    const run = spawnSync(opener, [file], { stdio: ['ignore', 2, 2] });
    if (run.error !== undefined || run.status !== 0) {
      process.stderr.write(`vm-file-editor: the opener ${opener} failed (${run.error?.message ?? `exit ${run.status ?? run.signal}`})\n`);
    }
    if (viewOnly) return 0;
    // Read back without following a link the opener may have left in the file's place.
    let reply: number;
    try {
      reply = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      process.stderr.write('vm-file-editor: the edited file is gone or is not a regular file; nothing sent back\n');
      return 0;
    }
    try {
      if (!fstatSync(reply).isFile()) return 0;
      if (fstatSync(reply, { bigint: true }).mtimeNs !== before) copyAll(reply, 1);
    } finally {
      closeSync(reply);
    }
    return 0;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

try {
  process.exitCode = main();
} catch (error) {
  if (!(error instanceof Refusal || (error as NodeJS.ErrnoException).code !== undefined)) throw error;
  process.stderr.write(`vm-file-editor: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
