/**
 * Findings kept as regression cases: once per stream and settings, with the finding's
 * metadata; a round trip the sender broke is not kept (replaying its stream cannot show it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../../spec/builder/build-stream.js';
import { file } from '../../../../spec/builder/stream-parts.js';
import type { FuzzInput } from '../../../../harness/engines/pbt/arbitraries/fuzz-input.js';
import type { Finding } from '../../../../harness/engines/pbt/campaign.js';
import { saveFinding } from '../../../../harness/engines/pbt/save-finding.js';
import type { CaseResult } from '../../../../harness/verdicts/case-result.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const stream = buildStream([file('../x', 'escaped')]);

function finding(input: FuzzInput, clause = 'inv.no-escape'): Finding {
  const result: CaseResult = {
    id: 'pbt-hostile', kind: input.kind === 'tree' ? 'sender' : 'receiver', category: 'hostile', title: 't', clauses: [], profile: 'default', verdict: 'fail',
    expected: { errorCode: 40 }, observed: { errorCode: 0 }, violations: [{ clause, detail: 'x: file created outside the target' }], notes: [], ms: 1,
  };
  return { property: 'invariants', seed: 42, path: '3:0:1', input, run: { result, stream, exercised: [], property: 'invariants' }, shrinks: 2, runsToFind: 7, msToFind: 10, msToShrink: 5 };
}

const hostile = (limits: { bytes?: bigint; files?: bigint } = {}): FuzzInput => ({ kind: 'stream', family: 'hostile', stream, settings: { profile: 'default', limits } });

describe('saveFinding', () => {
  it('keeps a stream once per settings, with the finding beside it', () => {
    const corpus = join(tempDir('qfc-save-'), 'corpus');
    const taken = new Set<string>();
    const first = saveFinding(finding(hostile()), corpus, 'qfc fuzz --replay 42:3:0:1', taken);
    expect(first).toMatchObject({ saved: true, added: true, id: expect.stringMatching(/^invariants-inv-no-escape-[0-9a-f]{8}$/) });
    const again = saveFinding(finding(hostile()), corpus, 'qfc fuzz --replay 42:3:0:1', taken);
    expect(again).toEqual({ ...first, added: false });
    const limited = saveFinding(finding(hostile({ files: 1n })), corpus, 'qfc fuzz --replay 42:3:0:1', taken);
    expect(limited).toMatchObject({ saved: true, added: true });
    expect(limited.saved && first.saved && limited.id !== first.id).toBe(true);
    const meta = JSON.parse(readFileSync((first as { path: string }).path.replace(/\.qfc$/, '.json'), 'utf8'));
    expect(meta).toMatchObject({
      category: 'regressions',
      clauses: ['inv.no-escape'],
      finding: { engine: 'pbt', property: 'invariants', seed: 42, path: '3:0:1', replay: 'qfc fuzz --replay 42:3:0:1', expected: { errorCode: 40 }, observed: { errorCode: 0 } },
    });
  });

  it('does not keep a round trip whose sender wrote the wrong stream', () => {
    const corpus = join(tempDir('qfc-save-'), 'corpus');
    const saved = saveFinding(finding({ kind: 'tree', tree: [], ignoreSymlinks: false }, 'sender.walk'), corpus, 'replay', new Set());
    expect(saved).toEqual({ saved: false, why: 'the sender wrote a wrong stream: replay it with the command above' });
  });
});
