/**
 * No false failure on upstream's documented behaviour, and the contract for limits:
 *
 *   - an upstream-like receiver (test/fixtures/upstream-like-receiver: every quirk of
 *     PROTOCOL §6) certifies and fuzzes with `info`, never `fail` nor `non-strict`; with
 *     `--oracle upstream` the same runs are plain `pass`;
 *   - a manifest says how its receiver takes the limits, or that it takes none: limit cases
 *     are then run that way, or `skipped` with the reason.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../harness/package-root.js';
import type { ResultsDocument } from '../../../harness/reports/results-document.js';
import { qfc } from '../../helpers/qfc-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

const UPSTREAM_LIKE = `${process.execPath} ${join(PACKAGE_ROOT, 'test', 'fixtures', 'upstream-like-receiver', 'upstream-like-receiver.mjs')}`;
// The fixture loads qfc's executable spec from dist/, whose imports live in node_modules.
const NODE_MODULES = ['--bind-ro', join(PACKAGE_ROOT, 'node_modules')];
const UNPACKER = join(PACKAGE_ROOT, 'dist', 'bin', 'qfile-unpacker.js');

const results = (out: string): ResultsDocument => JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
const verdictOf = (document: ResultsDocument, id: string): string | undefined => document.cases.find((result) => result.id === id)?.verdict;

describe('an upstream-like receiver (every quirk of PROTOCOL §6)', () => {
  const SELECTION = ['modes-and-times/*', 'upstream-observed/*', 'limits/*', 'sender/send-*-director*'];

  it('certifies with info for each quirk it shows, and no fail or non-strict', async () => {
    const out = join(tempDir('qfc-upstream-like-'), 'run');
    const run = await qfc(['certify', '--receiver', UPSTREAM_LIKE, ...NODE_MODULES, ...SELECTION.flatMap((glob) => ['--only', glob]), '--out', out]);
    const document = results(out);
    const bad = document.cases.filter((result) => result.verdict === 'fail' || result.verdict === 'non-strict' || result.verdict === 'error');
    expect(bad.map((result) => `${result.id}: ${result.verdict}: ${result.violations[0]?.detail ?? result.notes[0]}`)).toEqual([]);
    expect(run.status).toBe(0);
    // each quirk seen at least once, as info
    expect(verdictOf(document, 'setgid-file')).toBe('info'); // 4: set-id bits as sent
    expect(verdictOf(document, 'directory-nsec-1e9')).toBe('info'); // 6: a directory sent once keeps its bad time
    expect(verdictOf(document, 'mtime-nsec-1e9')).toBe('info'); // 2: no result, the file left
    expect(verdictOf(document, 'upstream-dir-name-dotdot-slash-x')).toBe('info'); // 1: 0xFFFFFFAC
    const quirks = new Set(document.cases.flatMap((result) => result.notes.filter((note) => note.includes('quirk(s):')).flatMap((note) => note.slice(note.indexOf(':') + 2).split(', '))));
    for (const quirk of ['directory-name-errno', 'nsec-fatal', 'set-id-applied', 'directory-times-deferred', 'directory-size-counted']) {
      expect([...quirks].some((seen) => seen.includes(quirk)), `quirk ${quirk} among ${[...quirks].join(', ')}`).toBe(true);
    }
  }, 300_000);

  it('is plain pass against the upstream oracle', async () => {
    const out = join(tempDir('qfc-upstream-like-'), 'run');
    const run = await qfc(['certify', '--receiver', UPSTREAM_LIKE, ...NODE_MODULES, '--oracle', 'upstream', '--only', 'modes-and-times/*', '--only', 'upstream-observed/upstream-dir-*', '--out', out]);
    expect(run.status).toBe(0);
    const verdicts = new Set(results(out).cases.map((result) => result.verdict));
    expect([...verdicts].filter((verdict) => verdict !== 'skipped')).toEqual(['pass']);
  }, 120_000);

  it('fuzzes (every property, a fixed seed and run budget) without a failure', async () => {
    const out = join(tempDir('qfc-upstream-like-'), 'run');
    const corpus = tempDir('qfc-upstream-like-corpus-');
    const run = await qfc(['fuzz', '--engine', 'pbt', '--receiver', UPSTREAM_LIKE, ...NODE_MODULES, '--runs', '60', '--seed', '20261202', '--keep-going', '--corpus', corpus, '--out', out]);
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    expect(results(out).engine?.failures).toBe(0);
  }, 300_000);
});

describe("upstream's sender and OpenInVM server, where they differ harmlessly", () => {
  it("a sender that goes by the code and CRC when the extension lies (upstream's qfile-agent): info", async () => {
    const out = join(tempDir('qfc-upstream-like-'), 'run');
    // the reference sender, but exiting 0 whatever it concluded, as upstream does for this answer
    const sender = `sh -c '${process.execPath} ${join(PACKAGE_ROOT, 'dist', 'bin', 'qfile-agent.js')} "$@"; exit 0' qfile-agent`;
    const run = await qfc(['certify', '--sender', sender, '--only', 'sender/send-lying-extension-length', '--only', 'sender/send-wrong-crc', '--out', out]);
    const document = results(out);
    expect(verdictOf(document, 'send-lying-extension-length')).toBe('info');
    expect(verdictOf(document, 'send-wrong-crc')).toBe('fail'); // a lie that matters still fails
    expect(run.status).toBe(1);
  }, 120_000);

  it("an editor that leaves its private directory on a refused field, or sends back through the opener's link: info, never fail", async () => {
    const dir = tempDir('qfc-upstream-editor-');
    chmodSync(dir, 0o755);
    const manifest = join(dir, 'manifest.json');
    const bin = (name: string): string => join(PACKAGE_ROOT, 'dist', 'bin', `${name}.js`);
    writeFileSync(manifest, JSON.stringify({ contract: 3, name: 'upstream-like editor', openInVm: { client: [process.execPath, bin('qopen-in-vm')], server: [process.execPath, join(PACKAGE_ROOT, 'test', 'fixtures', 'upstream-like-editor', 'vm-file-editor.mjs')] } }));
    const out = join(dir, 'run');
    const ids = ['field-with-slash', 'field-dotdot', 'field-all-nul', 'field-cut-short', 'link-left-by-opener'];
    const run = await qfc(['certify', '--impl', manifest, ...ids.flatMap((id) => ['--only', `open-in-vm/${id}`]), '--out', out]);
    const document = results(out);
    for (const id of ids.slice(0, 4)) expect(verdictOf(document, id), id).toBe('info');
    expect(['info', 'pass']).toContain(verdictOf(document, 'link-left-by-opener')); // it sends back only when the second changed
    expect(run.status).toBe(0);
  }, 120_000);
});

describe('receiver.limits in a manifest', () => {
  function manifest(limits: unknown): string {
    const dir = tempDir('qfc-limits-');
    chmodSync(dir, 0o755);
    const path = join(dir, 'manifest.json');
    writeFileSync(path, JSON.stringify({ contract: 3, name: 'limits probe', receiver: { command: [process.execPath, UNPACKER], limits } }));
    return path;
  }

  it('passes the limits as the arguments it names (the reference takes --bytes-limit and --files-limit)', async () => {
    const out = join(tempDir('qfc-limits-'), 'run');
    const run = await qfc(['certify', '--impl', manifest({ bytes: ['--bytes-limit', '{}'], files: ['--files-limit={}'] }), '--only', 'limits/*', '--out', out]);
    expect(run.status).toBe(0);
    expect(results(out).cases.map((result) => result.verdict)).toEqual(results(out).cases.map(() => 'pass'));
  }, 120_000);

  it('skips the cases of a limit the receiver does not take, and every limit case for "limits": null', async () => {
    const bytesOnly = join(tempDir('qfc-limits-'), 'run');
    await qfc(['certify', '--impl', manifest({ bytes: ['--bytes-limit', '{}'] }), '--only', 'limits/*', '--out', bytesOnly]);
    const partial = results(bytesOnly);
    expect(verdictOf(partial, 'bytes-one-over')).toBe('pass');
    expect(verdictOf(partial, 'files-one-over')).toBe('skipped');
    expect(partial.cases.find((result) => result.id === 'files-one-over')?.notes[0]).toMatch(/takes no file limit/);

    const none = join(tempDir('qfc-limits-'), 'run');
    const run = await qfc(['certify', '--impl', manifest(null), '--only', 'limits/*', '--out', none]);
    expect(run.status).toBe(0);
    expect(new Set(results(none).cases.map((result) => result.verdict))).toEqual(new Set(['skipped']));
  }, 120_000);
});
