import { existsSync, lstatSync, readFileSync, readlinkSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../spec/builder/build-stream.js';
import { dir, endMarker, file } from '../../../spec/builder/stream-parts.js';
import { toHex } from '../../../spec/byte-string.js';
import { annotatedHexDump } from '../../../harness/reports/annotated-hex-dump.js';
import { renderJunit } from '../../../harness/reports/render-junit.js';
import { renderSummary } from '../../../harness/reports/render-summary.js';
import { runFailed, summarize, type ResultsDocument } from '../../../harness/reports/results-document.js';
import { pointLatest, renderReport, writeReport } from '../../../harness/reports/write-report.js';
import type { CaseResult } from '../../../harness/verdicts/case-result.js';
import { tempDir } from '../../helpers/temp-dir.js';

const result = (id: string, verdict: CaseResult['verdict'], extra: Partial<CaseResult> = {}): CaseResult => ({
  id, kind: 'receiver', category: 'names', title: `title of ${id}`, clauses: ['file.name-valid'], profile: 'default', verdict,
  expected: { result: 'EILSEQ (84)' }, observed: { result: 'OK (0)' }, violations: [], notes: [], ms: 3, ...extra,
});

function documentOf(cases: CaseResult[], strict = false): ResultsDocument {
  return {
    suite: { name: 'qfc', version: '0.1.0', corpusDigest: `sha256:${'0'.repeat(64)}`, contract: 1 },
    implementation: { name: 'test <impl> & "co"', receiver: 'r', sender: null, openInVm: null, profile: 'all', sandbox: 'bubblewrap' },
    summary: summarize(cases),
    run: { startedAt: '2026-01-01T00:00:00.000Z', ms: 1234, strict, jobs: 2, uid: 0, command: 'qfc certify' },
    cases,
  };
}

describe('report rendering', () => {
  it('dumps a stream field by field, with offsets and decoded headers', () => {
    const blocks = annotatedHexDump(toHex(buildStream([dir('d'), file('d/f', 'x'.repeat(100)), endMarker()])));
    expect(blocks.map((block) => [block.offset, block.label])).toEqual([
      [0, 'header: namelen 2, mode 0o40755, filelen 0, atime 0.0, mtime 0.0'],
      [32, 'name "d"'],
      [34, 'header: namelen 4, mode 0o100644, filelen 100, atime 0.0, mtime 0.0'],
      [66, 'name "d/f"'],
      [70, 'file content, 100 bytes'],
      [170, 'end marker'],
    ]);
    expect(blocks[4]!.lines.at(-1)).toBe('… 36 more bytes');
    expect(blocks[0]!.lines[0]).toBe('00000000: 02 00 00 00 ed 41 00 00 00 00 00 00 00 00 00 00');
    expect(annotatedHexDump('0a000000')[0]!.label).toBe('the stream ends inside the header (28 bytes missing)');
  });

  it('writes JUnit with escaped text and failures only for fail (and non-strict when strict)', () => {
    const cases = [result('a', 'pass'), result('b', 'fail', { violations: [{ clause: 'inv.no-escape', detail: 'x <y> & "z" \u0001' }] }), result('c', 'non-strict'), result('d', 'error', { notes: ['boom'] }), result('e', 'skipped', { notes: ['no sender'] })];
    const junit = renderJunit(documentOf(cases));
    expect(junit).toContain('<testsuites name="qfc certify: test &lt;impl&gt; &amp; &quot;co&quot;" tests="5" failures="1" errors="1">');
    expect(junit).toContain('inv.no-escape: x &lt;y&gt; &amp; &quot;z&quot; </failure>');
    expect(junit).toContain('<skipped message="no sender"/>');
    expect(renderJunit(documentOf(cases, true))).toContain('failures="2"');
  });

  it('summarizes for a pull request', () => {
    const cases = [result('a', 'pass'), result('b', 'fail', { violations: [{ clause: 'inv.owner', detail: 'owned by 0:0 | bad' }] })];
    const markdown = renderSummary(documentOf(cases));
    expect(markdown).toContain('❌ **not conforming** — 2 cases: 1 pass, 1 fail');
    expect(markdown).toContain('| names | 1 | 1 | 0 | 0 | 0 | 0 |');
    expect(markdown).toContain('| fail | `names/b` | inv.owner: owned by 0:0 \\| bad |');
    expect(runFailed(documentOf([result('c', 'non-strict')]))).toBe(false);
    expect(runFailed(documentOf([result('c', 'non-strict')], true))).toBe(true);
  });

  it('writes a report directory whole, and re-renders files in place atomically', () => {
    const reports = tempDir('qfc-reports-');
    const out = join(reports, 'run-1');
    writeReport(out, renderReport(documentOf([result('a', 'pass')])));
    expect(readdirSync(reports)).toEqual(['run-1']); // no temporary directory left
    expect(readdirSync(out).sort()).toEqual(['index.html', 'junit.xml', 'results.json', 'summary.md']);
    expect((lstatSync(out).mode & 0o777).toString(8)).toBe('755');
    writeReport(out, { 'summary.md': 'again' });
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toBe('again');
    expect(readdirSync(out).sort()).toEqual(['index.html', 'junit.xml', 'results.json', 'summary.md']);
    pointLatest(reports, out);
    mkdirSync(join(reports, 'run-2'));
    pointLatest(reports, join(reports, 'run-2'));
    expect(readlinkSync(join(reports, 'latest'))).toBe('run-2');
    expect(existsSync(join(reports, 'latest'))).toBe(true);
  });
});
