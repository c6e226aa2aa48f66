/**
 * qfile-agent against receivers that answer wrongly: garbage, a cut result, a wrong CRC,
 * an early error, success before the end, a lying extension, silence. The sender must
 * fail with one clear line, never crash, never hang.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../spec/builder/build-stream.js';
import { dir, endMarker, file, link } from '../../../spec/builder/stream-parts.js';
import { encodeResult } from '../../../spec/codec/result-header.js';
import { crc32 } from '../../../spec/crc.js';
import { runPair } from '../../helpers/pipe-pair.js';
import { QFILE_AGENT, QFILE_UNPACKER } from '../../helpers/reference-programs.js';
import { tempDir } from '../../helpers/temp-dir.js';

const source = tempDir('qfc-agent-src-');
mkdirSync(join(source, 'tree'));
writeFileSync(join(source, 'tree', 'a'), 'hello');
symlinkSync('a', join(source, 'tree', 'l'));
const big = Buffer.alloc(8 << 20, 7);
writeFileSync(join(source, 'big'), big);

/** A receiver written as a Node one-liner; `answer` gets everything read as a Buffer named `input`. */
function fakeReceiver(readBytes: number | 'all', answer: string): string[] {
  const read =
    readBytes === 'all'
      ? "const chunks=[];process.stdin.on('data',c=>chunks.push(c));process.stdin.on('end',()=>{const input=Buffer.concat(chunks);"
      : `let input=Buffer.alloc(0);process.stdin.on('data',c=>{input=Buffer.concat([input,c]);if(input.length>=${readBytes}){process.stdin.pause();`;
  const close = readBytes === 'all' ? '});' : 'process.exit(0);}});';
  return ['-e', `${read}${answer}${close}`];
}

async function send(paths: string[], receiverArgs: string[]) {
  return runPair(
    { command: process.execPath, args: [QFILE_AGENT, ...paths], cwd: source },
    { command: process.execPath, args: receiverArgs, cwd: tempDir('qfc-agent-dst-') },
    30_000,
  );
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const write = (bytes: Uint8Array): string => `process.stdout.write(Buffer.from('${hex(bytes)}','hex'));`;

describe('qfile-agent against a misbehaving receiver', () => {
  const cases: readonly [string, string[], string[], RegExp][] = [
    ['garbage instead of a result', ['tree'], fakeReceiver('all', "process.stdout.write('this is not a result header at all');"), /^qfile-agent: File copy: malformed result from the receiver \(result-extension-name cut short at byte 20\)$/],
    ['sixteen bytes of garbage', ['tree'], fakeReceiver('all', "process.stdout.write('0123456789abcdef');"), /^qfile-agent: File copy: error 858927408$/],
    ['a result cut short', ['tree'], fakeReceiver('all', write(new Uint8Array(10))), /^qfile-agent: File copy: malformed result from the receiver \(result-header cut short at byte 0\)$/],
    ['an extension longer than what follows', ['tree'], fakeReceiver('all', write(Buffer.concat([encodeResult({ errorCode: 0, crc32: 0, lastName: null }), Buffer.from([255, 255, 255, 127, 97])]))), /malformed result from the receiver \(result-extension-name cut short at byte 20\)$/],
    ['success with a wrong CRC', ['tree'], fakeReceiver('all', write(encodeResult({ errorCode: 0, crc32: 12345, lastName: null }))), /^qfile-agent: File transfer failed: checksum mismatch$/],
    ['success with the right CRC in the high half too', ['tree'], fakeReceiver('all', "const r=Buffer.alloc(16);r.writeBigUInt64LE(BigInt(require('zlib').crc32(input))|(1n<<40n),8);process.stdout.write(r);"), /checksum mismatch$/],
    ['an early error mid-stream with a hostile name', ['big'], fakeReceiver(100, write(encodeResult({ errorCode: 17, crc32: 0, lastName: Buffer.from('big\n\u001b[31m"x') }))), /^qfile-agent: File copy: not overwriting an existing file; clean the QubesIncoming directory and retry; Last file: "big__\[31m_x"$/],
    ['success before the end of the transfer', ['big'], fakeReceiver(100, write(encodeResult({ errorCode: 0, crc32: crc32(big.subarray(0, 1)), lastName: null }))), /^qfile-agent: File copy: the receiver reported success before the transfer ended$/],
    ['no answer at all', ['tree'], fakeReceiver('all', ''), /^qfile-agent: File copy: the receiver ended without a result$/],
    ['an unknown error code', ['tree'], fakeReceiver('all', write(encodeResult({ errorCode: 99999, crc32: 0, lastName: Buffer.alloc(0) }))), /^qfile-agent: File copy: error 99999$/],
    ['LEGAL_EOF', ['tree'], fakeReceiver('all', write(encodeResult({ errorCode: 31415926, crc32: 0, lastName: Buffer.from('tree/a') }))), /^qfile-agent: File copy: unexpected end of data; Last file: "tree\/a"$/],
  ];
  for (const [what, paths, receiver, message] of cases) {
    it(`fails cleanly on ${what}`, async () => {
      const run = await send(paths, receiver);
      expect(run.sender.status).toBe(1);
      const lines = run.sender.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    });
  }

  it('reports each §4 code with its message', async () => {
    const messages: Record<number, RegExp> = {
      22: /corrupted data from packer/,
      84: /forbidden character in file name/,
      67: /cannot verify that the symlink would not be broken/,
      122: /Disk quota exceeded/,
      2: /No such file or directory/,
      121: /Remote I\/O error/,
    };
    for (const [code, message] of Object.entries(messages)) {
      const run = await send(['tree'], fakeReceiver('all', write(encodeResult({ errorCode: Number(code), crc32: 0, lastName: null }))));
      expect(run.sender.stderr).toMatch(message);
    }
  });
});

describe('qfile-agent against the reference receiver', () => {
  it('succeeds, skipping fifos, and exits 0', async () => {
    const withFifo = tempDir('qfc-agent-fifo-');
    mkdirSync(join(withFifo, 'd'));
    expect(spawnSync('mkfifo', [join(withFifo, 'd', 'pipe')]).status).toBe(0);
    writeFileSync(join(withFifo, 'd', 'f'), 'x');
    const target = tempDir('qfc-agent-dst-');
    const run = await runPair({ command: process.execPath, args: [QFILE_AGENT, 'd'], cwd: withFifo }, { command: process.execPath, args: [QFILE_UNPACKER, '-v'], cwd: target });
    expect(run.sender).toEqual({ status: 0, stderr: '' });
    expect(run.receiver).toEqual({ status: 0, stderr: 'd/f\n' });
  });

  it('--ignore-symlinks leaves links out', async () => {
    const run = await send(['--ignore-symlinks', 'tree'], [QFILE_UNPACKER, '-v']);
    expect(run.receiver.stderr).toBe('tree/a\n');
    expect(run.sender.status).toBe(0);
  });

  it('reports the receiver\'s refusal of an escaping link', async () => {
    const escaping = tempDir('qfc-agent-esc-');
    mkdirSync(join(escaping, 'top'));
    symlinkSync('../../etc/passwd', join(escaping, 'top', 'evil'));
    const run = await runPair({ command: process.execPath, args: [QFILE_AGENT, 'top'], cwd: escaping }, { command: process.execPath, args: [QFILE_UNPACKER], cwd: tempDir() });
    expect(run.sender.status).toBe(1);
    expect(run.sender.stderr).toBe('qfile-agent: File copy: cannot verify that the symlink would not be broken; Last file: "../../etc/passwd"\n');
    expect(run.receiver.status).toBe(67);
  });

  it('answers bad usage and unreadable arguments with one line', async () => {
    const missing = await send(['no-such-file'], [QFILE_UNPACKER]);
    expect(missing.sender.status).toBe(1);
    expect(missing.sender.stderr).toMatch(/^qfile-agent: File copy: cannot read no-such-file: ENOENT/);
    expect(missing.receiver.status).toBe(121); // the stream stopped before its end marker
    const option = await send(['--frobnicate'], [QFILE_UNPACKER]);
    expect(option.sender).toEqual({ status: 2, stderr: 'qfile-agent: unknown option --frobnicate (usage: qfile-agent [--ignore-symlinks] [--] PATH...)\n' });
    const empty = await send([''], [QFILE_UNPACKER]);
    expect(empty.sender.stderr).toBe('qfile-agent: File copy: invalid empty argument\n');
  });

  it('sends a file named like an option after --', async () => {
    const dashed = tempDir('qfc-agent-dash-');
    writeFileSync(join(dashed, '--ignore-symlinks'), 'x');
    const run = await runPair({ command: process.execPath, args: [QFILE_AGENT, '--', '--ignore-symlinks'], cwd: dashed }, { command: process.execPath, args: [QFILE_UNPACKER, '-v'], cwd: tempDir() });
    expect(run.sender.status).toBe(0);
    expect(run.receiver.stderr).toBe('--ignore-symlinks\n');
  });

  it('writes exactly the stream the spec builder describes', async () => {
    const exact = tempDir('qfc-agent-exact-');
    mkdirSync(join(exact, 'd'));
    writeFileSync(join(exact, 'd', 'f'), 'hi');
    const fields = (path: string) => {
      const stats = lstatSync(join(exact, path), { bigint: true });
      const split = (ns: bigint) => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)] as const;
      const [atime, atimeNsec] = split(stats.atimeNs);
      const [mtime, mtimeNsec] = split(stats.mtimeNs);
      return { mode: Number(stats.mode) & 0o7777, atime, atimeNsec, mtime, mtimeNsec };
    };
    const expected = buildStream([dir('d', fields('d')), file('d/f', 'hi', fields('d/f')), dir('d', fields('d')), endMarker()]);
    const capture = await runPair(
      { command: process.execPath, args: [QFILE_AGENT, 'd'], cwd: exact },
      { command: process.execPath, args: ['-e', "const c=[];process.stdin.on('data',d=>c.push(d));process.stdin.on('end',()=>require('fs').writeFileSync('captured',Buffer.concat(c)))"], cwd: exact },
    );
    expect(capture.sender).toEqual({ status: 1, stderr: 'qfile-agent: File copy: the receiver ended without a result\n' });
    expect(hex(readFileSync(join(exact, 'captured')))).toBe(hex(expected));
  });
});
