import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jazzerNodeLauncher } from '../../../harness/engines/jazzer/compat-runtime.js';
import { protocolDictionary, writeProtocolDictionary } from '../../../harness/engines/jazzer/protocol-dictionary.js';
import { PACKAGE_ROOT } from '../../../harness/package-root.js';

interface ParsedEntry {
  readonly name: string;
  readonly hex: string;
}

/**
 * libFuzzer's dictionary format, read strictly: a line is blank, a `#` comment, or
 * `name="…"` where inside the quotes only printable ASCII stands for itself and `\\`,
 * `\"` and `\xNN` are the escapes. Throws on the first line that is none of these.
 */
function parseDictionary(text: string): ParsedEntry[] {
  const entries: ParsedEntry[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const match = /^([A-Za-z0-9_]+)="(.*)"$/.exec(line);
    if (match === null) throw new Error(`line ${index + 1} is not an entry: ${line}`);
    const bytes: number[] = [];
    const body = match[2]!;
    for (let at = 0; at < body.length; at++) {
      const code = body.charCodeAt(at);
      if (code === 0x5c) {
        const escape = /^\\(?:x([0-9A-Fa-f]{2})|(["\\]))/.exec(body.slice(at));
        if (escape === null) throw new Error(`line ${index + 1}: bad escape at ${at}`);
        bytes.push(escape[1] === undefined ? escape[2]!.charCodeAt(0) : parseInt(escape[1], 16));
        at += escape[0].length - 1;
      } else if (code < 0x20 || code > 0x7e || code === 0x22) {
        throw new Error(`line ${index + 1}: unescaped byte ${code} at ${at}`);
      } else {
        bytes.push(code);
      }
    }
    if (bytes.length === 0) throw new Error(`line ${index + 1}: libFuzzer refuses an empty entry`);
    entries.push({ name: match[1]!, hex: Buffer.from(bytes).toString('hex') });
  });
  return entries;
}

const u32 = (value: number): string => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes.toString('hex');
};
const u64 = (value: bigint): string => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value);
  return bytes.toString('hex');
};

describe('the protocol dictionary', () => {
  const entries = parseDictionary(protocolDictionary());
  const hexes = entries.map((entry) => entry.hex);
  const scratch = mkdtempSync(join(tmpdir(), 'qfc-dict-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('is all comments and well-formed entries, unique by bytes and by name', () => {
    expect(entries.length).toBeGreaterThan(100);
    expect(new Set(hexes).size).toBe(hexes.length);
    expect(new Set(entries.map((entry) => entry.name)).size).toBe(entries.length);
  });

  it('keeps every entry to what libFuzzer mutates with (64 bytes at most)', () => {
    for (const hex of hexes) expect(hex.length / 2).toBeLessThanOrEqual(64);
  });

  it.each([
    ['namelen NAME_MAX', u32(255)],
    ['namelen NAME_MAX + 1', u32(256)],
    ['namelen MAX_NAME_LENGTH', u32(16383)],
    ['namelen MAX_PATH_BUFFER + 1', u32(16385)],
    ['nanoseconds MAX_NSEC', u32(999_999_999)],
    ['nanoseconds MAX_NSEC + 1', u32(1_000_000_000)],
    ['nanoseconds UTIME_NOW', u32(0x3fffffff)],
    ['nanoseconds UTIME_OMIT', u32(0x3ffffffe)],
    ['u32 max', u32(0xffffffff)],
    ['u32 zero', u32(0)],
    ['filelen 2^63 - 1', u64(2n ** 63n - 1n)],
    ['filelen 2^63, the sign bit', u64(2n ** 63n)],
    ['filelen 2^64 - 1', u64(2n ** 64n - 1n)],
    ['filelen 2^32', u64(2n ** 32n)],
    ['mode S_IFLNK | 0777', u32(0o120777)],
    ['mode S_IFREG | 0644', u32(0o100644)],
    ['mode S_IFREG | 04755', u32(0o104755)],
    ['mode S_IFDIR | 02755', u32(0o042755)],
    ['mode S_IFCHR | 0755', u32(0o020755)],
    ['error code LEGAL_EOF', u32(31415926)],
    ['error code EILSEQ', u32(84)],
    ['sixteen zero bytes', '00'.repeat(16)],
    ['..', '2e2e'],
    ['/', '2f'],
    ['../', '2e2e2f'],
    ['/..', '2f2e2e'],
    ['NUL', '00'],
    ['overlong /', 'c0af'],
    ['overlong .', 'c0ae'],
    ['overlong NUL', 'c080'],
    ['lone surrogate U+D800', 'eda080'],
    ['U+202E RIGHT-TO-LEFT OVERRIDE', 'e280ae'],
    ['hostile name ../outside/x', Buffer.from('../outside/x').toString('hex')],
    ['hostile name a//b', Buffer.from('a//b').toString('hex')],
  ])('holds %s', (_what, hex) => {
    expect(hexes).toContain(hex);
  });

  it('is written atomically: the new text replaces the old, no temporary file is left', () => {
    const path = join(scratch, 'atomic', 'qfc.dict');
    mkdirSync(join(scratch, 'atomic'));
    writeFileSync(path, 'old');
    writeProtocolDictionary(path);
    expect(readFileSync(path, 'utf8')).toBe(protocolDictionary());
    expect(readdirSync(join(scratch, 'atomic'))).toEqual(['qfc.dict']);
  });

  it('is accepted by libFuzzer, which counts every entry', { timeout: 120_000 }, () => {
    const launcher = jazzerNodeLauncher();
    const cli = createRequire(import.meta.url).resolve('@jazzer.js/core/dist/cli.js');
    const target = join(PACKAGE_ROOT, 'dist', 'harness', 'engines', 'jazzer', 'spec-target.js');
    const dictionary = join(scratch, 'qfc.dict');
    writeProtocolDictionary(dictionary);
    const fuzz = (extra: readonly string[]) => {
      const corpus = mkdtempSync(join(scratch, 'corpus-'));
      const run = spawnSync(launcher.command, [...launcher.args, cli, target, corpus, '--sync', '--', '-runs=200', ...extra], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 100_000 });
      expect(run.status, run.stderr).toBe(0);
      const counted = /^Dictionary: (\d+) entries$/m.exec(run.stderr);
      return counted === null ? 0 : Number(counted[1]);
    };
    // Jazzer.js merges its bug detectors' own entries into the file it hands libFuzzer, so
    // what the dictionary adds is the difference from a run without it.
    const jazzerOwn = fuzz([]);
    expect(fuzz([`-dict=${dictionary}`]) - jazzerOwn).toBe(entries.length);
  });
});
