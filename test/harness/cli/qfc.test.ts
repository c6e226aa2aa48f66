/**
 * The built qfc command line, as a user runs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStream, dir, endMarker, file } from '../../../spec/index.js';

const QFC = new URL('../../../dist/bin/qfc.js', import.meta.url).pathname;
const qfc = (args: string[], input?: Uint8Array) => spawnSync(process.execPath, [QFC, ...args], { input, encoding: 'utf8' });
const work = mkdtempSync(join(tmpdir(), 'qfc-cli-'));
const streamFile = join(work, 'tree.qfc');
writeFileSync(streamFile, buildStream([dir('d'), file('d/f', 'hi'), dir('d', { mode: 0o555 }), endMarker()]));

describe('qfc', () => {
  it('predicts what a receiver does with a stream', () => {
    const run = qfc(['predict', streamFile]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('result OK (0)');
    expect(run.stdout).toContain('dir  "d" 0555');
  });

  it('predicts upstream behaviour and limits, and reads stdin', () => {
    const run = qfc(['predict', '-', '--mode=upstream', '--bytes-limit', '1', '--json'], buildStream([file('a', 'hello'), endMarker()]));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ result: { errorCode: 122, lastName: 'a' }, exitStatus: 122, clause: 'limit.bytes' });
  });

  it('lists the clauses and its version', () => {
    expect(qfc(['clauses']).stdout).toMatch(/^wire\.little-endian +MUST/);
    expect(qfc(['--version']).stdout).toMatch(/^qfc \d+\.\d+\.\d+/);
    expect(qfc([]).stdout).toContain('usage: qfc');
  });

  const misuse: readonly [string, string[], RegExp][] = [
    ['an unknown command', ['frobnicate'], /^qfc: unknown command 'frobnicate'/],
    ['an unknown option', ['predict', streamFile, '--bogus'], /^qfc: unknown option --bogus$/],
    ['a missing file', ['predict', join(work, 'nope')], /^qfc: cannot read .*nope: ENOENT$/],
    ['a missing argument', ['predict'], /^qfc: usage: qfc predict/],
    ['a bad mode', ['predict', streamFile, '--mode', 'strict'], /^qfc: --mode is 'spec' or 'upstream', not 'strict'$/],
    ['a bad limit', ['predict', streamFile, '--files-limit', '-3'], /^qfc: --files-limit takes a whole number/],
    ['a limit without value', ['predict', streamFile, '--bytes-limit'], /^qfc: --bytes-limit needs a value$/],
    ['a value on a flag', ['predict', streamFile, '--json=yes'], /^qfc: --json takes no value$/],
  ];
  for (const [what, args, message] of misuse) {
    it(`answers ${what} with one line and exit 2`, () => {
      const run = qfc(args);
      expect(run.status).toBe(2);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr.trimEnd()).toMatch(message);
      expect(run.stdout).toBe('');
    });
  }
});
