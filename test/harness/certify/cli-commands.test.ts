/**
 * qfc replay, report, corpus add and the certify options, as a user runs them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../spec/builder/build-stream.js';
import { dir, endMarker, link } from '../../../spec/builder/stream-parts.js';
import type { ResultsDocument } from '../../../harness/reports/results-document.js';
import { brokenReceiver, qfc, qfcSync } from '../../helpers/qfc-cli.js';
import { QFILE_UNPACKER } from '../../helpers/reference-programs.js';
import { tempDir } from '../../helpers/temp-dir.js';

function corpusWith(): { corpus: string; stream: string } {
  const work = tempDir('qfc-corpus-');
  const corpus = join(work, 'corpus');
  const stream = join(work, 'Escape Attempt.qfc');
  writeFileSync(stream, buildStream([dir('d'), link('d/l', '../../x'), endMarker()]));
  return { corpus, stream };
}

describe('qfc corpus add', () => {
  it('stores a stream with its expectation, once', () => {
    const { corpus, stream } = corpusWith();
    const added = qfcSync(['corpus', 'add', stream, '--category', 'symlink-escapes', '--corpus', corpus, '--provenance', 'found by hand']);
    expect(added.status).toBe(0);
    expect(added.stdout).toBe(`added escape-attempt: ${join(corpus, 'symlink-escapes', 'escape-attempt.qfc')}\n`);
    const meta = JSON.parse(readFileSync(join(corpus, 'symlink-escapes', 'escape-attempt.json'), 'utf8'));
    expect(meta).toMatchObject({ id: 'escape-attempt', category: 'symlink-escapes', clauses: ['link.validated'], profile: 'default', provenance: 'found by hand', expectation: { errorCode: 67, exitStatus: 67, tree: ['dir  d 0700'] } });
    const again = qfcSync(['corpus', 'add', stream, '--category', 'other', '--corpus', corpus]);
    expect(again.stdout).toMatch(/^already in the corpus as escape-attempt: .* \(nothing written\)\n$/);
    const otherProfile = qfcSync(['corpus', 'add', stream, '--category', 'symlink-escapes', '--id', 'escape-attempt-unsafe', '--profile', 'unsafe-symlinks', '--corpus', corpus]);
    expect(otherProfile.stdout).toMatch(/^added escape-attempt-unsafe/);
    expect(readdirSync(join(corpus, 'symlink-escapes')).sort()).toEqual(['escape-attempt-unsafe.json', 'escape-attempt-unsafe.qfc', 'escape-attempt.json', 'escape-attempt.qfc']);
  });

  const misuse: readonly [string, string[], RegExp][] = [
    ['no category', ['corpus', 'add', 'x.qfc'], /^qfc: qfc corpus add needs --category$/],
    ['a bad category', ['corpus', 'add', 'STREAM', '--category', 'Bad Name'], /^qfc: the category must be kebab-case/],
    ['a missing file', ['corpus', 'add', '/nonexistent.qfc', '--category', 'c'], /^qfc: cannot read \/nonexistent.qfc: ENOENT$/],
    ['an unknown clause', ['corpus', 'add', 'STREAM', '--category', 'c', '--clauses', 'name.nope'], /^qfc: unknown clause name.nope/],
    ['a taken id', ['corpus', 'add', 'STREAM', '--category', 'c', '--id', 'single-file'], /^qfc: the id single-file is taken/],
    ['another verb', ['corpus', 'remove', 'x'], /^qfc: usage: qfc corpus add FILE/],
  ];
  for (const [what, args, message] of misuse) {
    it(`refuses ${what} with one line and exit 2, writing nothing`, () => {
      const { corpus, stream } = corpusWith();
      const run = qfcSync([...args.map((arg) => (arg === 'STREAM' ? stream : arg)), '--corpus', corpus]);
      expect(run.status).toBe(2);
      expect(run.stderr.trimEnd()).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(existsSync(corpus)).toBe(false);
    });
  }
});

describe('qfc replay', () => {
  it('finds a receiver named by a path relative to where qfc started, and refuses a missing one', () => {
    const { corpus, stream } = corpusWith();
    qfcSync(['corpus', 'add', stream, '--category', 'symlink-escapes', '--corpus', corpus]);
    const work = tempDir('qfc-relative-');
    mkdirSync(join(work, 'bin'));
    writeFileSync(join(work, 'bin', 'unpack.sh'), `#!/bin/sh\nexec ${process.execPath} ${QFILE_UNPACKER} "$@"\n`, { mode: 0o755 });
    const found = qfcSync(['replay', corpus, '--receiver', 'bin/unpack.sh', '--out', join(work, 'r')], { cwd: work });
    expect({ status: found.status, stderr: found.stderr }).toEqual({ status: 0, stderr: expect.stringMatching(/^pass +symlink-escapes\/escape-attempt /) });
    const missing = qfcSync(['replay', corpus, '--receiver', './bin/nothing.sh --flag', '--out', join(work, 'r2')], { cwd: work });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('qfc: cannot run the receiver: ./bin/nothing.sh is not an executable file\n');
  });

  it('runs corpus streams against the reference (pass) and a broken receiver (fail)', async () => {
    const { corpus, stream } = corpusWith();
    qfcSync(['corpus', 'add', stream, '--category', 'symlink-escapes', '--corpus', corpus]);
    const good = await qfc(['replay', corpus, '--out', join(tempDir(), 'r1')]);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/1 cases: 1 pass/);
    const oneFile = new URL('../../../corpus/upstream-observed/upstream-one-file.qfc', import.meta.url).pathname;
    const bad = await qfc(['replay', oneFile, '--receiver', brokenReceiver('no-result'), '--out', join(tempDir(), 'r2')]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/1 cases: 0 pass, 1 fail/);
  }, 60_000);

  it('refuses a path with no corpus case', () => {
    const empty = tempDir();
    expect(qfcSync(['replay', empty])).toMatchObject({ status: 2, stderr: 'qfc: no corpus case (.qfc with its .json) under the given paths\n' });
    writeFileSync(join(empty, 'orphan.qfc'), 'x');
    expect(qfcSync(['replay', empty]).stderr).toMatch(/^qfc: .*orphan\.qfc: no metadata \(orphan\.json\)\n$/);
  });
});

describe('qfc report', () => {
  it('renders a report again from results.json, and refuses what is not one', async () => {
    const out = join(tempDir(), 'run');
    await qfc(['certify', '--only', 'valid-trees/single-file', '--out', out]);
    const document = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
    expect(document.summary.total).toBe(1);
    const elsewhere = join(tempDir(), 'again');
    const again = qfcSync(['report', join(out, 'results.json'), '--out', elsewhere]);
    expect(again).toMatchObject({ status: 0, stdout: `report: ${join(elsewhere, 'index.html')}\n` });
    expect(readFileSync(join(elsewhere, 'index.html'), 'utf8')).toBe(readFileSync(join(out, 'index.html'), 'utf8'));
    const inPlace = qfcSync(['report', join(out, 'results.json')]);
    expect(inPlace.status).toBe(0);
    const junk = join(tempDir(), 'junk.json');
    writeFileSync(junk, '{"hello": 1}');
    expect(qfcSync(['report', junk])).toMatchObject({ status: 2, stderr: `qfc: ${junk} is not a qfc results.json (no suite, implementation, run, summary and cases)\n` });
    expect(qfcSync(['report'])).toMatchObject({ status: 2, stderr: 'qfc: usage: qfc report RESULTS.json [--out DIR]\n' });
  }, 60_000);
});

describe('qfc certify options', () => {
  const misuse: readonly [string, string[], RegExp][] = [
    ['an unknown option', ['certify', '--frob'], /^qfc: unknown option --frob$/],
    ['a bad profile', ['certify', '--profile', 'permissive'], /^qfc: --profile is one of default, allow-all-names, unsafe-symlinks, not 'permissive'$/],
    ['a bad job count', ['certify', '--jobs', '0'], /^qfc: --jobs takes a whole number of at least 1, not '0'$/],
    ['--impl with --receiver', ['certify', '--impl', 'm.json', '--receiver', 'cat'], /^qfc: --impl cannot be combined with --receiver or --sender$/],
    ['a missing manifest', ['certify', '--impl', '/nonexistent.json'], /^qfc: cannot read \/nonexistent.json: ENOENT$/],
    ['an --only that matches nothing', ['certify', '--only', 'no-such-case'], /^qfc: no case matches --only\/--profile$/],
    ['a positional argument', ['certify', 'extra'], /^qfc: qfc certify takes no positional argument/],
    ['--gid without --uid', ['certify', '--gid', '5'], /^qfc: --gid needs --uid$/],
    ['an unknown command', ['certfy'], /^qfc: unknown command 'certfy'/],
    ['a manifest whose program does not exist', ['certify', '--impl', 'MISSING_PROGRAM'], /^qfc: cannot run the receiver: \/nonexistent\/unpacker is not an executable file$/],
  ];
  for (const [what, args, message] of misuse) {
    it(`answers ${what} with one line and exit 2`, () => {
      const manifest = join(tempDir(), 'missing.json');
      writeFileSync(manifest, '{"contract":1,"name":"missing","receiver":{"command":["/nonexistent/unpacker"]}}');
      const run = qfcSync(args.map((arg) => (arg === 'MISSING_PROGRAM' ? manifest : arg)));
      expect(run.status).toBe(2);
      expect(run.stderr.trimEnd()).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    });
  }

  it('has --help for every command', () => {
    for (const command of ['certify', 'replay', 'report', 'corpus', 'predict']) {
      const run = qfcSync([command, '--help']);
      expect(run.status, command).toBe(0);
      expect(run.stdout, command).toMatch(/^usage: qfc /);
    }
  });

  it('runs a manifest implementation (ext→ext) and the --sender shortcut (ext→ref)', async () => {
    const manifest = new URL('../../../implementations/reference/qfc-manifest.json', import.meta.url).pathname;
    const ext = await qfc(['certify', '--impl', manifest, '--only', 'send-nested-directories', '--only', 'names/emoji', '--only', 'open-in-vm/view-only', '--out', join(tempDir(), 'm')]);
    expect(ext.status).toBe(0);
    expect(ext.stdout).toMatch(/3 cases: 3 pass/);
    const sender = await qfc(['certify', '--sender', `${process.execPath} ${new URL('../../../dist/bin/qfile-agent.js', import.meta.url).pathname}`, '--only', 'send-*', '--out', join(tempDir(), 's')]);
    expect(sender.status).toBe(0);
    expect(sender.stdout).toMatch(/(\d+) cases: \1 pass/);
  }, 120_000);

  it('warns loudly and says so in the report when it runs unconfined', async () => {
    const out = join(tempDir(), 'u');
    const run = await qfc(['certify', '--no-sandbox', '--only', 'names/emoji', '--out', out]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/\*\*\* WARNING: running the implementation UNCONFINED, as asked \(--no-sandbox\)/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
    expect(results.implementation.sandbox).toMatch(/^none \(UNCONFINED: /);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/UNCONFINED/);
  }, 60_000);

  it('writes the report under reports/ with reports/latest pointing at it by default', async () => {
    const reports = new URL('../../../reports', import.meta.url).pathname;
    const run = await qfc(['certify', '--only', 'stream-end/only-end-marker']);
    expect(run.status).toBe(0);
    const path = run.stdout.match(/^report: (.*)\/index.html$/m)![1]!;
    expect(path.startsWith(`${reports}/`)).toBe(true);
    expect(readFileSync(join(reports, 'latest', 'results.json'), 'utf8')).toBe(readFileSync(join(path, 'results.json'), 'utf8'));
  }, 60_000);
});
