/**
 * qopen-in-vm | vm-file-editor: edit, no edit, view only, failed opener, empty reply,
 * hostile filename fields, an unwritable directory.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFilenameField } from '../../../spec/codec/filename-field.js';
import { runPair } from '../../helpers/pipe-pair.js';
import { QOPEN_IN_VM, VM_FILE_EDITOR } from '../../helpers/reference-programs.js';
import { tempDir } from '../../helpers/temp-dir.js';

const root = process.getuid?.() === 0;
const openers = tempDir('qfc-openers-');
function opener(name: string, script: string): string {
  const path = join(openers, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return path;
}
const APPEND = opener('append', 'echo "edited in the disposable VM" >> "$1"');
const NOTHING = opener('nothing', 'exit 0');
const FAIL = opener('fail', 'echo "cannot open" >&2; exit 3');
const TRUNCATE = opener('truncate', ': > "$1"');
const RECORD = opener('record', 'stat -c "%a %n" "$1" > "$(dirname "$1")/../opened.txt"');

interface Session {
  readonly client: { status: number | null; stderr: string };
  readonly server: { status: number | null; stderr: string };
  readonly root: string;
}

async function open(file: string, openerPath: string, clientArgs: string[] = [], remote = 'work'): Promise<Session> {
  const editorRoot = tempDir('qfc-editor-root-');
  const run = await runPair(
    { command: process.execPath, args: [QOPEN_IN_VM, ...clientArgs, file], cwd: openers },
    { command: process.execPath, args: [VM_FILE_EDITOR, '--opener', openerPath, '--root', editorRoot], cwd: openers, env: { ...process.env, QREXEC_REMOTE_DOMAIN: remote } },
  );
  return { client: run.sender, server: run.receiver, root: editorRoot };
}

function document(content = 'original content\n', mode = 0o640): string {
  const dir = tempDir('qfc-doc-');
  const path = join(dir, 'report.txt');
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  return path;
}

describe('qubes.OpenInVM', () => {
  it('copies an edited file back, atomically and keeping its mode', async () => {
    const path = document();
    const session = await open(path, APPEND);
    expect(session.client).toEqual({ status: 0, stderr: '' });
    expect(session.server).toEqual({ status: 0, stderr: '' });
    expect(readFileSync(path, 'utf8')).toBe('original content\nedited in the disposable VM\n');
    expect(statSync(path).mode & 0o7777).toBe(0o640);
    expect(readdirSync(join(path, '..'))).toEqual(['report.txt']); // no temporary file left beside it
    expect(readdirSync(session.root)).toEqual([]); // the private directory is gone
  });

  it('changes nothing when the file was not edited', async () => {
    const path = document();
    const before = statSync(path, { bigint: true });
    const session = await open(path, NOTHING);
    expect([session.client.status, session.server.status]).toEqual([0, 0]);
    expect(statSync(path, { bigint: true }).mtimeNs).toBe(before.mtimeNs);
    expect(statSync(path, { bigint: true }).ino).toBe(before.ino);
    expect(readdirSync(join(path, '..'))).toEqual(['report.txt']);
  });

  it('never truncates the original on an empty reply', async () => {
    const path = document();
    const session = await open(path, TRUNCATE);
    expect([session.client.status, session.server.status]).toEqual([0, 0]);
    expect(readFileSync(path, 'utf8')).toBe('original content\n');
    expect(readdirSync(join(path, '..'))).toEqual(['report.txt']);
  });

  it('keeps the original when the opener fails, and still cleans up', async () => {
    const path = document();
    const session = await open(path, FAIL);
    expect(session.client.status).toBe(0);
    expect(session.server.stderr).toContain('vm-file-editor: the opener');
    expect(readFileSync(path, 'utf8')).toBe('original content\n');
    expect(readdirSync(session.root)).toEqual([]);
  });

  it('view-only: the server stores the file read-only and sends nothing back', async () => {
    const path = document();
    const session = await open(path, RECORD, ['--view-only']);
    expect([session.client.status, session.server.status]).toEqual([0, 0]);
    const opened = readFileSync(join(session.root, 'opened.txt'), 'utf8');
    expect(opened).toMatch(/^400 .*\/work-[^/]+\/report\.txt\n$/);
    const viewOnlyEdit = await open(path, APPEND, ['--view-only']);
    expect(viewOnlyEdit.client.status).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('original content\n');
  });

  it('stores the file as 0600 in /root/<remote>-XXXXXX when editing', async () => {
    const path = document();
    const session = await open(path, RECORD);
    expect(readFileSync(join(session.root, 'opened.txt'), 'utf8')).toMatch(/^600 .*\/work-[A-Za-z0-9]{6}\/report\.txt\n$/);
  });

  it.runIf(root)('saves the reply elsewhere and says so when the file\'s directory is not writable', async () => {
    const dir = tempDir('qfc-readonly-dir-');
    const path = join(dir, 'report.txt');
    writeFileSync(path, 'original\n', { mode: 0o644 });
    chmodSync(dir, 0o755); // owned by root: not writable for nobody
    const keep = tempDir('qfc-keep-');
    chownSync(keep, 65534, 65534);
    const editorRoot = tempDir('qfc-editor-root-');
    const run = await runPair(
      { command: 'setpriv', args: ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, QOPEN_IN_VM, path], cwd: '/', env: { ...process.env, QFC_TMPDIR: keep } },
      { command: process.execPath, args: [VM_FILE_EDITOR, '--opener', APPEND, '--root', editorRoot], cwd: '/', env: { ...process.env, QREXEC_REMOTE_DOMAIN: 'work' } },
    );
    expect(run.sender.status).toBe(0);
    expect(run.sender.stderr).toMatch(/^qopen-in-vm: .*report\.txt was edited, but its directory is not writable; the edited file is saved as .*\/file_edited_in_dvm\.[a-z0-9]{6}\n$/);
    const saved = run.sender.stderr.match(/saved as (.*)\n$/)![1]!;
    expect(readFileSync(saved, 'utf8')).toBe('original\nedited in the disposable VM\n');
    expect(readFileSync(path, 'utf8')).toBe('original\n');
  });
});

describe('vm-file-editor with hostile input', () => {
  function serve(field: Uint8Array, env: NodeJS.ProcessEnv = { QREXEC_REMOTE_DOMAIN: 'work' }) {
    const editorRoot = tempDir('qfc-editor-root-');
    const run = spawnSync(process.execPath, [VM_FILE_EDITOR, '--opener', RECORD, '--root', editorRoot], {
      input: Buffer.concat([field, Buffer.from('content')]),
      env: { ...process.env, QFC_OPENER: undefined, ...env },
      encoding: 'utf8',
    });
    return { ...run, root: editorRoot, opened: existsSync(join(editorRoot, 'opened.txt')) ? readFileSync(join(editorRoot, 'opened.txt'), 'utf8') : null };
  }
  const field = (bytes: number[] | string): Uint8Array => {
    const out = new Uint8Array(256);
    out.set(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
    return out;
  };

  const refused: readonly [string, Uint8Array, RegExp][] = [
    ['a name with /', field('../../etc/passwd'), /refusing the file name \(contains-slash\)/],
    ['the name ..', field('..'), /refusing the file name \(dot-name\)/],
    ['an all-NUL field', new Uint8Array(256), /refusing the file name \(empty\)/],
    ['a view-only prefix and nothing else', field('view-only-'), /refusing the file name \(empty\)/],
    ['a field cut short', new Uint8Array(100).fill(0x41), /the filename field is cut short/],
  ];
  for (const [what, bytes, message] of refused) {
    it(`refuses ${what}, writing nothing`, () => {
      const run = spawnSync(process.execPath, [VM_FILE_EDITOR, '--opener', RECORD, '--root', tempDir()], { input: bytes, env: { ...process.env, QREXEC_REMOTE_DOMAIN: 'work' }, encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr.trimEnd()).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    });
  }

  it('sanitizes control characters and shell characters', () => {
    const run = serve(field('a\u0001b c;$(x).txt'));
    expect(run.status).toBe(0);
    expect(run.opened).toMatch(/\/a_b_c___x_\.txt\n$/);
  });

  it('takes 256 bytes without NUL as a 255-byte name', () => {
    const run = serve(new Uint8Array(256).fill(0x61));
    expect(run.status).toBe(0);
    expect(run.opened).toMatch(new RegExp(`/${'a'.repeat(255)}\\n$`));
  });

  it('cuts a long client name from the left and keeps the extension', () => {
    const run = serve(encodeFilenameField(Buffer.from(`/home/user/${'x'.repeat(400)}.odt`), false));
    expect(run.opened).toMatch(new RegExp(`/${'x'.repeat(251)}\\.odt\\n$`));
  });

  const remotes: readonly [string, NodeJS.ProcessEnv][] = [
    ['no remote domain', { QREXEC_REMOTE_DOMAIN: undefined }],
    ['an empty remote domain', { QREXEC_REMOTE_DOMAIN: '' }],
    ['a remote domain with /', { QREXEC_REMOTE_DOMAIN: '../etc' }],
    ['the remote domain ..', { QREXEC_REMOTE_DOMAIN: '..' }],
  ];
  for (const [what, env] of remotes) {
    it(`refuses ${what}`, () => {
      const run = serve(field('report.txt'), env);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^vm-file-editor: (QREXEC_REMOTE_DOMAIN is not set|invalid remote domain name)/);
      expect(readdirSync(run.root)).toEqual([]);
    });
  }

  it('does not read back through a link the opener left in the file\'s place', () => {
    const sneaky = opener('sneaky', 'rm "$1"; ln -s /etc/passwd "$1"');
    const editorRoot = tempDir();
    const run = spawnSync(process.execPath, [VM_FILE_EDITOR, '--opener', sneaky, '--root', editorRoot], { input: Buffer.concat([field('x.txt'), Buffer.from('c')]), env: { ...process.env, QREXEC_REMOTE_DOMAIN: 'work' } });
    expect(run.status).toBe(0);
    expect(run.stdout.length).toBe(0);
    expect(readdirSync(editorRoot)).toEqual([]);
  });
});

describe('qopen-in-vm usage', () => {
  it('answers bad usage and a missing file with one line', () => {
    const usage = spawnSync(process.execPath, [QOPEN_IN_VM], { encoding: 'utf8', input: '' });
    expect([usage.status, usage.stderr]).toEqual([2, 'qopen-in-vm: usage: qopen-in-vm [--view-only] FILE\n']);
    const missing = spawnSync(process.execPath, [QOPEN_IN_VM, '/nonexistent/file'], { encoding: 'utf8', input: '' });
    expect([missing.status, missing.stderr]).toEqual([1, 'qopen-in-vm: cannot open /nonexistent/file: ENOENT\n']);
    const directory = tempDir();
    mkdirSync(join(directory, 'sub'));
    const notFile = spawnSync(process.execPath, [QOPEN_IN_VM, join(directory, 'sub')], { encoding: 'utf8', input: '' });
    expect(notFile.status).toBe(1);
    expect(notFile.stderr).toMatch(/is not a regular file\n$/);
  });
});
