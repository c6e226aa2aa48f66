/**
 * Every case of a fuzz report can be reproduced from the report alone: it carries its
 * profile, its limits, its stream and its replay commands, and a stream case's stream is
 * kept beside the report as a corpus entry that `qfc replay` reads with the same settings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../../spec/builder/build-stream.js';
import { toHex } from '../../../../spec/byte-string.js';
import { endMarker, file } from '../../../../spec/builder/stream-parts.js';
import { readCorpus } from '../../../../harness/corpus/read-corpus.js';
import type { FuzzInput } from '../../../../harness/engines/pbt/arbitraries/fuzz-input.js';
import type { CampaignResult, Finding, Sample } from '../../../../harness/engines/pbt/campaign.js';
import { fuzzReport, type FuzzReportInput, type ReportedFinding } from '../../../../harness/engines/pbt/fuzz-report.js';
import { publishFuzzReport } from '../../../../harness/engines/pbt/publish-fuzz-report.js';
import type { ResultsDocument } from '../../../../harness/reports/results-document.js';
import type { CaseResult, Verdict } from '../../../../harness/verdicts/case-result.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const stream = buildStream([file('a', 'xyz'), endMarker()]);

function result(kind: 'receiver' | 'sender', id: string, profile: string, verdict: Verdict): CaseResult {
  return { id, kind, category: kind === 'sender' ? 'round-trip' : 'hostile', title: 'a hostile stream', clauses: ['recv.end-success', 'inv.no-escape'], profile, verdict, expected: { errorCode: 0 }, observed: { errorCode: 84 }, violations: [{ clause: 'recv.end-success', detail: 'refused a valid name' }], notes: ['safe, but not predicted'], ms: 3 };
}

const limited: FuzzInput = { kind: 'stream', family: 'hostile', stream, settings: { profile: 'allow-all-names', limits: { bytes: 8n, files: 2n } } };
const samples: Sample[] = [
  { result: result('receiver', 'pbt-hostile', 'allow-all-names', 'non-strict'), input: limited, stream, seed: 123, path: '4' },
  { result: { ...result('receiver', 'pbt-valid', 'default', 'info'), category: 'valid' }, input: { kind: 'stream', family: 'valid', stream, settings: { profile: 'default', limits: {} } }, stream, seed: 123, path: '9' },
  { result: result('sender', 'pbt-round-trip', 'ignore-symlinks', 'error'), input: { kind: 'tree', tree: [], ignoreSymlinks: true }, stream, seed: 77, path: '0' },
];
const campaign: CampaignResult = {
  findings: [],
  samples,
  statistics: { runs: 12, execs: 12, ms: 100, verdicts: { pass: 9, fail: 0, 'non-strict': 1, info: 1, error: 1, skipped: 0 }, families: {}, clauses: {} },
  interrupted: false,
};
const escaping = buildStream([file('../x', 'out'), endMarker()]);
const finding: Finding = {
  property: 'invariants',
  seed: 321,
  path: '7:0:2',
  input: { kind: 'stream', family: 'near-valid', stream: escaping, settings: { profile: 'default', limits: { files: 1n } }, mutation: 'name' },
  run: { result: { ...result('receiver', 'pbt-near-valid', 'default', 'fail'), category: 'near-valid', violations: [{ clause: 'inv.no-escape', detail: '../x: created outside the target' }] }, stream: escaping, exercised: [], property: 'invariants' },
  shrinks: 3,
  runsToFind: 8,
  msToFind: 40,
  msToShrink: 20,
};
const reported: ReportedFinding = { finding, saved: { saved: false, why: 'cannot write corpus: ENOTDIR' }, replay: "qfc fuzz --engine pbt --receiver 'my unpacker' --property invariants --replay 321:7:0:2" };
const input: FuzzReportInput = {
  engine: 'pbt',
  campaign,
  findings: [reported],
  suite: { name: 'qfc', version: '0', corpusDigest: 'fuzz campaign, seed 5', contract: 1 },
  implementation: { name: 'receiver: x', receiver: 'x', sender: null, openInVm: null, profile: 'all', sandbox: 'bubblewrap' },
  run: { startedAt: '2025-01-01T00:00:00.000Z', ms: 100, strict: false, jobs: 1, uid: 1000, command: 'qfc fuzz' },
  execution: 'process',
  seed: 5,
  properties: ['invariants'],
  roundTrips: true,
  replayWords: { input: "qfc fuzz --engine pbt --receiver 'my unpacker' --property invariants", stream: "--receiver 'my unpacker'" },
};

describe('fuzzReport', () => {
  it('gives every case its profile, limits as decimal strings, stream and seed:path replay', () => {
    const [found, ...cases] = fuzzReport(input).cases;
    expect(found).toMatchObject({ id: 'invariants-finding-1', verdict: 'fail', limits: { files: '1' }, streamHex: toHex(escaping), seed: 321, path: '7:0:2', replayInput: reported.replay });
    expect(found!.notes).toContain('not kept in the corpus: cannot write corpus: ENOTDIR');
    expect(cases.map((c) => c.id)).toEqual(['sample-1-pbt-hostile', 'sample-2-pbt-valid', 'sample-3-pbt-round-trip']);
    expect(cases[0]).toMatchObject({
      verdict: 'non-strict',
      profile: 'allow-all-names',
      limits: { bytes: '8', files: '2' },
      streamHex: toHex(stream),
      streamLength: stream.length,
      seed: 123,
      path: '4',
      replayInput: "qfc fuzz --engine pbt --receiver 'my unpacker' --property invariants --replay 123:4",
    });
    expect(cases[1]!.limits).toEqual({});
    expect(cases[2]).toMatchObject({ profile: 'ignore-symlinks', limits: {}, streamHex: toHex(stream), replay: cases[2]!.replayInput });
    // Before the streams are kept beside the report, the campaign's input is the replay.
    for (const reported of cases) expect(reported.replay).toBe(reported.replayInput);
  });
});

describe('publishFuzzReport', () => {
  it('keeps each stream case as a corpus entry beside the report and names it in the replay command', () => {
    const out = join(tempDir('qfc-fuzz-report-'), 'my report');
    const published: ResultsDocument[] = [];
    const publish = (document: ResultsDocument, dir: string | undefined): string => {
      published.push(document);
      return dir ?? out;
    };
    const { document, out: where } = publishFuzzReport(input, publish, undefined);
    expect(where).toBe(out);
    expect(published.at(-1)).toBe(document);
    const [found, hostile, valid, tree] = document.cases;
    expect(found!.streamFile).toBe('streams/near-valid/invariants-finding-1.qfc');
    const hostileFile = join(out, 'streams', 'hostile', 'sample-1-pbt-hostile.qfc');
    expect(hostile).toMatchObject({ streamFile: 'streams/hostile/sample-1-pbt-hostile.qfc', replay: `qfc replay '${hostileFile}' --receiver 'my unpacker'` });
    expect(hostile!.notes).toContain(`replay the input: ${hostile!.replayInput}`);
    expect(valid!.streamFile).toBe('streams/valid/sample-2-pbt-valid.qfc');
    expect(tree).toMatchObject({ replay: tree!.replayInput });
    expect(tree!.streamFile).toBeUndefined();

    expect(new Uint8Array(readFileSync(hostileFile))).toEqual(stream);
    const reading = readCorpus([join(out, 'streams')], out);
    expect(reading.problems).toEqual([]);
    const kept = reading.cases.find((c) => c.id === 'sample-1-pbt-hostile')!;
    expect(kept).toMatchObject({ category: 'hostile', profile: 'allow-all-names', limits: { bytes: 8n, files: 2n }, clauses: ['recv.end-success', 'inv.no-escape'] });
    const meta = JSON.parse(readFileSync(hostileFile.replace(/\.qfc$/, '.json'), 'utf8'));
    expect(meta).toMatchObject({ limits: { bytes: '8', files: '2' }, provenance: expect.stringContaining('input 123:4, verdict non-strict') });
    expect(meta.finding).toBeUndefined();
    const findingMeta = JSON.parse(readFileSync(join(out, 'streams', 'near-valid', 'invariants-finding-1.json'), 'utf8'));
    expect(findingMeta).toMatchObject({ limits: { files: '1' }, finding: { property: 'invariants', seed: 321, path: '7:0:2', replay: reported.replay, violations: finding.run.result.violations } });

    // Published again into the same directory, the report keeps only its own streams.
    const { document: again } = publishFuzzReport({ ...input, findings: [] }, publish, out);
    expect(again.cases[0]!.replay).toBe(hostile!.replay);
    expect(readCorpus([join(out, 'streams')], out).cases.map((c) => c.id).sort()).toEqual(['sample-1-pbt-hostile', 'sample-2-pbt-valid']);
  });
});
