/**
 * The programmatic API: pack() and unpack() paired in one process, atomic appearance of
 * files, no leftovers after a failure, and the backend choice.
 */
import { readdirSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../spec/builder/build-stream.js';
import { endMarker, file } from '../../../spec/builder/stream-parts.js';
import { describeBackend, openTarget, pack, unpack, type BackendChoice } from '../../../implementations/reference/index.js';
import { REFERENCE_VERSION } from '../../../implementations/reference/version.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** Chunks handed over one at a time, with a look at the target between them. */
async function* slowly(chunks: Uint8Array[], between: (index: number) => void): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < chunks.length; i++) {
    yield chunks[i]!;
    between(i);
  }
}

describe('reference API', () => {
  it('pairs pack() with unpack() in one process', async () => {
    const source = tempDir();
    mkdirSync(join(source, 'docs'));
    writeFileSync(join(source, 'docs', 'a.txt'), 'alpha');
    writeFileSync(join(source, 'b.bin'), Buffer.alloc(3 << 20, 1));
    const target = tempDir();
    const transfer = pack(['docs', 'b.bin'], { cwd: source });
    const result = await unpack(transfer.chunks(), target);
    transfer.receive(result.wire);
    transfer.end();
    expect(await transfer.outcome).toEqual({ exitStatus: 0, message: null, errorCode: 0, crc32: result.crc32 });
    expect(readFileSync(join(target, 'docs', 'a.txt'), 'utf8')).toBe('alpha');
    expect(readFileSync(join(target, 'b.bin')).length).toBe(3 << 20);
  });

  it('stops sending at an early answer and reports it', async () => {
    const source = tempDir();
    writeFileSync(join(source, 'a'), 'x');
    writeFileSync(join(source, 'b'), 'y');
    const target = tempDir();
    writeFileSync(join(target, 'a'), 'already here');
    const transfer = pack(['a', 'b'], { cwd: source });
    const result = await unpack(
      (async function* () {
        for await (const chunk of transfer.chunks()) yield chunk;
      })(),
      target,
    );
    transfer.receive(result.wire);
    transfer.end();
    const outcome = await transfer.outcome;
    expect(outcome.exitStatus).toBe(1);
    expect(outcome.errorCode).toBe(17);
    expect(outcome.message).toBe('File copy: not overwriting an existing file; clean the QubesIncoming directory and retry; Last file: "a"');
  });

  const variants: readonly [string, BackendChoice, boolean][] = [
    ['native', 'native', true],
    ['native without O_TMPFILE', 'native', false],
    ['fallback', 'fallback', true],
  ];
  for (const [label, backend, nativeTmpfile] of variants) {
    it(`${label}: a file never appears under its name before it is complete, and a cut stream leaves nothing`, async () => {
      const target = tempDir();
      const stream = buildStream([file('doc', 'x'.repeat(4000)), endMarker()]);
      const seen: string[][] = [];
      const cutAfterHalf = [stream.subarray(0, 2000), stream.subarray(2000, 3000)];
      const result = await unpack(slowly(cutAfterHalf, () => seen.push(readdirSync(target))), target, { backend, nativeTmpfile });
      expect(result.errorCode).toBe(31415926);
      for (const listing of seen) expect(listing).not.toContain('doc');
      expect(readdirSync(target)).toEqual([]); // no partial file, no staging file
      const complete = await unpack(slowly([stream.subarray(0, 2000), stream.subarray(2000)], () => seen.push(readdirSync(target))), target, { backend, nativeTmpfile });
      expect(complete.errorCode).toBe(0);
      expect(readdirSync(target)).toEqual(['doc']);
    });
  }

  it('names its backend and can be forced to pure Node', () => {
    expect(describeBackend('native')).toMatch(/^native addon qfc_fs/);
    expect(describeBackend('fallback')).toBe('pure-Node fallback (forced)');
    const fs = openTarget(tempDir(), 'fallback');
    expect(typeof fs === 'number' ? fs : fs.backend).toBe('fallback');
  });

  it('reports the package\'s version', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(REFERENCE_VERSION).toBe(manifest.version);
  });

  it('rejects a target directory that does not exist', async () => {
    await expect(unpack((async function* () {})(), join(tempDir(), 'missing'))).rejects.toThrow(/^cannot open target directory .*missing: ENOENT \(2\)$/);
  });
});
