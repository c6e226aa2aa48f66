/**
 * The four programs are installed as package bins: npx finds them after npm ci.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir.js';

const PACKAGE = fileURLToPath(new URL('../../../', import.meta.url));
// A fresh npm cache: npx keeps its own install of the local package there, which would
// otherwise be whatever an earlier checkout at this path had.
const env = { ...process.env, npm_config_cache: tempDir('qfc-npm-cache-') };
const npx = (...args: string[]) => spawnSync('npx', ['--no-install', ...args], { cwd: PACKAGE, encoding: 'utf8', input: '', env });

describe('package bins', () => {
  it('qfile-unpacker --version', () => expect(npx('qfile-unpacker', '--version').stdout).toMatch(/^qfile-unpacker \(qfc reference receiver\)/));
  it('qfile-agent --help', () => expect(npx('qfile-agent', '--help').stderr).toBe('qfile-agent: usage: qfile-agent [--ignore-symlinks] [--] PATH...\n'));
  it('qopen-in-vm without a file', () => expect(npx('qopen-in-vm').status).toBe(2));
  it('vm-file-editor without a remote domain', () => {
    const run = spawnSync('npx', ['--no-install', 'vm-file-editor'], { cwd: PACKAGE, encoding: 'utf8', input: '', env: { ...env, QREXEC_REMOTE_DOMAIN: '' } });
    expect([run.status, run.stderr]).toEqual([1, "vm-file-editor: invalid remote domain name ''\n"]);
  });
  it('qfc --version', () => expect(npx('qfc', '--version').stdout).toMatch(/^qfc \d/));
});
