/**
 * qfile-unpacker as a process: every error path of PROTOCOL §4, its options and its
 * environment. Each case pins the result code explicitly and also checks the whole
 * result against the model, so neither can drift alone.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../spec/builder/build-stream.js';
import { dir, endMarker, file, link, special, type StreamPart } from '../../../spec/builder/stream-parts.js';
import { decodeResult } from '../../../spec/codec/result-header.js';
import { Errno, LEGAL_EOF, S_IFCHR } from '../../../spec/constants.js';
import { predict } from '../../../spec/model/predict.js';
import type { ReceiverOptions } from '../../../spec/model/options.js';
import { QFILE_UNPACKER } from '../../helpers/reference-programs.js';
import { tempDir } from '../../helpers/temp-dir.js';

const root = process.getuid?.() === 0;
const NOBODY = 65534;

interface Run {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly target: string;
}

function receive(stream: Uint8Array, args: string[] = [], env: NodeJS.ProcessEnv = {}, asUser?: number): Run {
  const target = tempDir('qfc-cli-');
  if (asUser !== undefined) chownSync(target, asUser, asUser);
  const run = spawnSync(process.execPath, [QFILE_UNPACKER, ...args], {
    cwd: target,
    input: stream,
    env: { ...process.env, ...env },
    ...(asUser === undefined ? {} : { uid: asUser, gid: asUser }),
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.toString(), target };
}

interface ErrorPath {
  readonly what: string;
  readonly stream: readonly StreamPart[] | Uint8Array;
  readonly code: number;
  readonly args?: string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly model?: ReceiverOptions;
  readonly asNobody?: boolean;
}

const H = 32;
const ERROR_PATHS: readonly ErrorPath[] = [
  { what: 'EREMOTEIO: no end marker', stream: [file('a', 'x')], code: Errno.EREMOTEIO },
  { what: 'EDQUOT: file limit from QFC_FILES_LIMIT', stream: [file('a', '1'), file('b', '2'), endMarker()], code: Errno.EDQUOT, env: { QFC_FILES_LIMIT: '1' }, model: { filesLimit: 1 } },
  { what: 'EDQUOT: byte limit from --bytes-limit', stream: [file('a', '12345'), endMarker()], code: Errno.EDQUOT, args: ['--bytes-limit', '4'], model: { bytesLimit: 4 } },
  { what: 'EDQUOT: byte limit from QFC_BYTES_LIMIT, link target', stream: [dir('d'), link('d/l', 'abcdef'), endMarker()], code: Errno.EDQUOT, env: { QFC_BYTES_LIMIT: '3' }, model: { bytesLimit: 3 } },
  { what: 'EDQUOT: filelen over 2^63-1', stream: [file('a', '', { header: { filelen: 2n ** 63n } }), endMarker()], code: Errno.EDQUOT },
  { what: 'ENAMETOOLONG: namelen 16384', stream: [file('a'.repeat(16383), 'x')], code: Errno.ENAMETOOLONG },
  { what: 'ENAMETOOLONG: link target over 16383', stream: [dir('d'), link('d/l', '', { header: { filelen: 16384n } })], code: Errno.ENAMETOOLONG },
  { what: 'ENAMETOOLONG: a component over NAME_MAX', stream: [file('n'.repeat(256), 'x'), endMarker()], code: Errno.ENAMETOOLONG },
  { what: 'LEGAL_EOF: stream ends inside content', stream: buildStream([file('a', 'hello')]).subarray(0, H + 4), code: LEGAL_EOF },
  { what: 'LEGAL_EOF: stream ends inside a name', stream: buildStream([file('abcdef', 'x')]).subarray(0, H + 2), code: LEGAL_EOF },
  { what: 'EINVAL: a device node', stream: [special(S_IFCHR, 'console'), endMarker()], code: Errno.EINVAL },
  { what: 'EINVAL: nanoseconds over 999,999,999', stream: [file('a', 'x', { mtimeNsec: 1_000_000_000 }), endMarker()], code: Errno.EINVAL },
  { what: 'EILSEQ: a .. component', stream: [file('../escape', 'x'), endMarker()], code: Errno.EILSEQ },
  { what: 'EILSEQ: a bad directory name', stream: [dir('d/'), endMarker()], code: Errno.EILSEQ },
  { what: 'EILSEQ: a control character', stream: [file('a\u0007', 'x'), endMarker()], code: Errno.EILSEQ },
  { what: 'ENOENT: a missing parent', stream: [file('missing/f', 'x'), endMarker()], code: Errno.ENOENT },
  { what: 'ENOTDIR: a parent that is a symlink', stream: [dir('d'), dir('d/e'), link('d/l', 'e'), file('d/l/f', 'x'), endMarker()], code: Errno.ENOTDIR },
  { what: 'EEXIST: a file over a file', stream: [file('a', '1'), file('a', '2'), endMarker()], code: Errno.EEXIST },
  { what: 'ENOLINK: a link out of its directory', stream: [dir('d'), link('d/l', '../../etc/passwd'), endMarker()], code: Errno.ENOLINK },
  { what: 'ENOLINK: an absolute link', stream: [dir('d'), link('d/l', '/etc/passwd'), endMarker()], code: Errno.ENOLINK },
  {
    what: 'EACCES: a file in a directory made read-only (as an ordinary user)',
    stream: [dir('d'), dir('d', { mode: 0o555 }), file('d/f', 'x'), endMarker()],
    code: Errno.EACCES,
    asNobody: true,
  },
];

describe('qfile-unpacker error paths', () => {
  for (const path of ERROR_PATHS) {
    it(path.what, () => {
      const stream = path.stream instanceof Uint8Array ? path.stream : buildStream(path.stream);
      const run = receive(stream, path.args, path.env, path.asNobody && root ? NOBODY : undefined);
      const privileged = root && !path.asNobody;
      const prediction = predict(stream, { ...path.model, privileged });
      expect(prediction.result.errorCode).toBe(path.code);
      expect(run.status).toBe(path.code % 256);
      const decoded = decodeResult(run.stdout);
      expect(decoded.ok && [decoded.value.errorCode, decoded.value.crc32, decoded.value.lastName]).toEqual([
        prediction.result.errorCode,
        prediction.result.crc32,
        prediction.result.lastName,
      ]);
      expect(decoded.ok && decoded.value.trailing.length).toBe(0);
      expect(run.stderr).toBe('');
    });
  }

  it('succeeds with exit status 0 and a full result', () => {
    const stream = buildStream([dir('d'), file('d/f', 'x'), dir('d'), endMarker()]);
    const run = receive(stream);
    expect(run.status).toBe(0);
    expect(decodeResult(run.stdout)).toMatchObject({ ok: true, value: { errorCode: 0, lastName: new Uint8Array([0x64]) } });
  });
});

describe('qfile-unpacker options', () => {
  it('--allow-all-names accepts a control character, --no-allow-all-names undoes it', () => {
    const stream = buildStream([file('a\u0007', 'x'), endMarker()]);
    expect(receive(stream, ['--allow-all-names']).status).toBe(0);
    expect(receive(stream, ['--allow-all-names', '--no-allow-all-names']).status).toBe(Errno.EILSEQ);
  });

  it('--allow-unsafe-symlinks accepts an absolute link', () => {
    const stream = buildStream([dir('d'), link('d/l', '/etc/passwd'), endMarker()]);
    expect(receive(stream, ['--allow-unsafe-symlinks']).status).toBe(0);
    expect(receive(stream, ['--allow-unsafe-symlinks', '--no-allow-unsafe-symlinks']).status).toBe(Errno.ENOLINK);
  });

  it('-v prints each non-directory name on stderr', () => {
    const run = receive(buildStream([dir('d'), file('d/f', 'x'), link('d/l', 'f'), dir('d'), endMarker()]), ['-v']);
    expect(run.stderr).toBe('d/f\nd/l\n');
  });

  it('-w waits for free space (there is plenty) and receives', () => {
    expect(receive(buildStream([file('a', 'x'), endMarker()]), ['-w', '1024']).status).toBe(0);
    expect(receive(buildStream([file('a', 'x'), endMarker()]), ['--wait-for-space=1']).status).toBe(0);
  });

  it('--files-limit overrides QFC_FILES_LIMIT', () => {
    const stream = buildStream([file('a', '1'), file('b', '2'), endMarker()]);
    expect(receive(stream, ['--files-limit', '0'], { QFC_FILES_LIMIT: '1' }).status).toBe(0);
  });

  it('--version names the backend; QFC_RECEIVER_BACKEND=fallback selects pure Node', () => {
    const native = spawnSync(process.execPath, [QFILE_UNPACKER, '--version'], { encoding: 'utf8' });
    expect(native.stdout).toMatch(/^qfile-unpacker \(qfc reference receiver\) \d+\.\d+\.\d+\nbackend: native addon qfc_fs/);
    const fallback = spawnSync(process.execPath, [QFILE_UNPACKER, '--version'], { encoding: 'utf8', env: { ...process.env, QFC_RECEIVER_BACKEND: 'fallback' } });
    expect(fallback.stdout).toContain('backend: pure-Node fallback');
  });

  const misuse: readonly [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ['an unknown option', ['--frobnicate'], {}, /^qfile-unpacker: unknown option --frobnicate$/],
    ['a positional argument', ['somewhere'], {}, /^qfile-unpacker: unexpected argument 'somewhere'/],
    ['a bad limit', ['--bytes-limit', 'lots'], {}, /^qfile-unpacker: --bytes-limit takes a whole number, not 'lots'$/],
    ['a missing value', ['-w'], {}, /^qfile-unpacker: -w takes a whole number/],
    ['a bad environment limit', [], { QFC_FILES_LIMIT: '-1' }, /^qfile-unpacker: QFC_FILES_LIMIT takes a whole number/],
    ['a bad backend', [], { QFC_RECEIVER_BACKEND: 'turbo' }, /^qfile-unpacker: QFC_RECEIVER_BACKEND must be auto, native or fallback/],
  ];
  for (const [what, args, env, message] of misuse) {
    it(`answers ${what} with one line, exit 2 and no result`, () => {
      const run = receive(buildStream([file('a', 'x'), endMarker()]), args, env);
      expect(run.status).toBe(2);
      expect(run.stdout.length).toBe(0);
      expect(run.stderr.trimEnd()).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(readdirSync(run.target)).toEqual([]);
    });
  }

  it.runIf(root)('refuses to run in a directory it cannot open (search but no read permission)', () => {
    const locked = tempDir('qfc-locked-');
    chmodSync(locked, 0o311);
    const run = spawnSync(process.execPath, [QFILE_UNPACKER], { cwd: locked, input: new Uint8Array(0), encoding: 'utf8', uid: NOBODY, gid: NOBODY });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`qfile-unpacker: cannot open target directory .: EACCES (${Errno.EACCES})\n`);
  });
});
