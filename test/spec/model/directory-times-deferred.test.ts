/**
 * Quirk 6 (PROTOCOL §6): upstream checks a directory's times only on its repeated header,
 * so a directory sent once with a nanosecond field over 999,999,999 is created 0700 and
 * the stream goes on. 'upstream' mode names the quirk exactly when such a first header is
 * accepted; 'spec' mode refuses the header with EINVAL before anything is created.
 */
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../spec/builder/build-stream.js';
import { dir, endMarker, file, type EntrySettings, type StreamPart } from '../../../spec/builder/stream-parts.js';
import { findClause } from '../../../spec/clauses.js';
import { Errno, MAX_NSEC } from '../../../spec/constants.js';
import { QUIRK_POSITIONS } from '../../../spec/model/positions.js';
import { predict } from '../../../spec/model/predict.js';
import { OBSERVATIONS, OBSERVATIONS_2 } from '../../fixtures/observations.js';
import { observationMismatches, replay } from '../../helpers/observation-match.js';
import { summarizeTree } from '../../helpers/tree-summary.js';

const QUIRK = 'directory-times-deferred';
const UTIME_NOW = 2 ** 30 - 1;
const UTIME_OMIT = 2 ** 30 - 2;
const ok = endMarker();

const upstream = (parts: readonly StreamPart[]) => predict(buildStream(parts), { mode: 'upstream' });

/** Streams, and the directory upstream creates despite its bad times (quirk 6), or null where it does not. */
const ROWS: readonly { readonly name: string; readonly stream: readonly StreamPart[]; readonly deferred: string | null }[] = [
  ...(
    [
      ['an atime nsec of 10^9', { atimeNsec: 1_000_000_000 }],
      ['an mtime nsec of 10^9', { mtimeNsec: 1_000_000_000 }],
      ['an mtime nsec of UTIME_NOW', { mtimeNsec: UTIME_NOW }],
      ['an atime nsec of UTIME_OMIT', { atimeNsec: UTIME_OMIT }],
      ['both nsec fields at 2^32-1', { atimeNsec: 0xffff_ffff, mtimeNsec: 0xffff_ffff }],
    ] as const satisfies readonly (readonly [string, EntrySettings])[]
  ).map(([what, times]) => ({ name: `a new directory with ${what}`, stream: [dir('d', times), file('d/f', 'x'), ok], deferred: 'd' })),
  { name: 'a new nested directory with a bad nsec', stream: [dir('d'), dir('d/e', { mtimeNsec: 1_000_000_000 }), dir('d'), ok], deferred: 'd/e' },
  { name: 'a new directory with the largest valid nsec', stream: [dir('d', { atimeNsec: MAX_NSEC, mtimeNsec: MAX_NSEC }), ok], deferred: null },
  { name: 'a bad nsec only on the repeated header (quirk 2 instead)', stream: [dir('d'), dir('d', { mtimeNsec: 1_000_000_000 }), ok], deferred: null },
  { name: 'a bad nsec on a directory whose parent is missing', stream: [dir('x/d', { mtimeNsec: 1_000_000_000 }), ok], deferred: null },
  { name: 'a bad nsec on a directory header over a file', stream: [file('d'), dir('d', { mtimeNsec: 1_000_000_000 }), ok], deferred: null },
  { name: 'a bad nsec on a directory with a bad name (quirk 1 instead)', stream: [dir('../d', { mtimeNsec: 1_000_000_000 }), ok], deferred: null },
  { name: 'a bad nsec on a file (quirk 2 instead)', stream: [file('f', 'x', { mtimeNsec: 1_000_000_000 }), ok], deferred: null },
];

describe('quirk 6: directory times deferred to the repeated header', () => {
  for (const row of ROWS) {
    it(`upstream ${row.deferred === null ? 'does not show' : 'shows'} it: ${row.name}`, () => {
      const prediction = upstream(row.stream);
      expect(prediction.quirks.includes(QUIRK)).toBe(row.deferred !== null);
      if (row.deferred !== null) expect(summarizeTree(prediction.tree)).toContain(`dir ${row.deferred} 0700`);
    });
  }

  it('upstream: the directory is created 0700 with the clock\'s times and the stream succeeds', () => {
    const prediction = upstream([dir('d', { atimeNsec: UTIME_NOW, mtimeNsec: 1_000_000_000 }), ok]);
    expect([prediction.result.sent, prediction.result.errorCode, prediction.exitStatus]).toEqual([true, 0, 0]);
    expect(summarizeTree(prediction.tree)).toEqual(['dir d 0700']);
    expect(prediction.quirks).toEqual([QUIRK]);
  });

  it('upstream: a repeat of such a directory shows quirk 2 as well, and dies', () => {
    const prediction = upstream([dir('d', { mtimeNsec: 1_000_000_000 }), dir('d', { mtimeNsec: 1_000_000_000 }), ok]);
    expect([prediction.result.sent, prediction.exitStatus]).toEqual([false, 1]);
    expect(prediction.quirks).toEqual([QUIRK, 'nsec-fatal']);
  });

  it('spec: every such header is refused with EINVAL and its name before anything is created, and no quirk is named', () => {
    for (const { name, stream, deferred } of ROWS) {
      if (deferred === null) continue;
      const prediction = predict(buildStream(stream));
      const lastName = new TextDecoder().decode(prediction.result.lastName!);
      expect([prediction.result.errorCode, lastName, prediction.clause], name).toEqual([Errno.EINVAL, deferred, 'quirk.nsec-range']);
      expect(prediction.tree.map((entry) => entry.path), name).not.toContain(deferred);
      expect(prediction.quirks, name).toEqual([]);
      expect(prediction.exercised, name).toContain('quirk.directory-times');
    }
  });

  it('has its position: quirk 6, with the clause that states the spec behaviour', () => {
    const position = QUIRK_POSITIONS.find((candidate) => candidate.id === QUIRK);
    expect(position?.quirk).toBe(6);
    expect(findClause(position!.clause)).toMatchObject({ id: 'quirk.directory-times', section: '6.6', level: 'MUST' });
  });

  it('is what the real receiver did: every observation that shows it replays exactly, some of them to success', () => {
    const showing = [...OBSERVATIONS, ...OBSERVATIONS_2]
      .map((observation) => ({ observation, prediction: replay(observation, 'upstream') }))
      .filter(({ prediction }) => prediction.quirks.includes(QUIRK));
    expect(showing.length).toBeGreaterThan(0);
    expect(showing.flatMap(({ observation, prediction }) => observationMismatches(prediction, observation))).toEqual([]);
    expect(showing.filter(({ observation }) => observation.observed.result?.errorCode === 0).length).toBeGreaterThan(0);
  });
});
