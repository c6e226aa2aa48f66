/**
 * The model in 'upstream' mode against 2,500 streams the real upstream receiver ran (valid,
 * near-valid and hostile, drawn from qfc's own fuzz-input arbitrary; see the fixture's
 * description). One test per family collects every mismatch, so a failure lists each label
 * and field that differs instead of stopping at the first.
 */
import { describe, expect, it } from 'vitest';
import { S_IFLNK, S_IFMT, S_IFREG } from '../../../spec/constants.js';
import { OBSERVATIONS_2, type Observation, type ObservedEntry } from '../../fixtures/observations.js';
import { observationMismatches, replay } from '../../helpers/observation-match.js';

/** The family is the third word of a label: `train #9 valid`, `train #4 near-valid filelen-minus-one`. */
const familyOf = (observation: Observation): string => observation.label.split(' ')[2]!;
const FAMILIES = ['valid', 'near-valid', 'hostile'] as const;

/** True when a file lacks its digest, or a file or directory one of its times. */
function lacksField(entry: ObservedEntry): boolean {
  const type = Number.parseInt(entry.mode.slice(2), 8) & S_IFMT;
  if (type === S_IFLNK) return false;
  return entry.mtime_ns === undefined || entry.atime_ns === undefined || (type === S_IFREG && entry.sha256 === undefined);
}

describe('the model in upstream mode reproduces 2,500 more runs of the real upstream receiver', () => {
  it('has 2,500 observations with unique labels, each in one family', () => {
    expect(OBSERVATIONS_2).toHaveLength(2500);
    expect(new Set(OBSERVATIONS_2.map((observation) => observation.label)).size).toBe(2500);
    expect(OBSERVATIONS_2.filter((observation) => !(FAMILIES as readonly string[]).includes(familyOf(observation)))).toEqual([]);
  });

  // The matcher skips a field the observation lacks; here none may be missing.
  it('record the digest of every file and both times of every file and directory', () => {
    const incomplete = OBSERVATIONS_2.flatMap((observation) =>
      observation.observed.tree.filter(lacksField).map((entry) => `${observation.label} | ${entry.path}`),
    );
    expect(incomplete).toEqual([]);
  });

  for (const family of FAMILIES) {
    it(`match every ${family} observation: result, exit status, and the whole tree`, () => {
      const observations = OBSERVATIONS_2.filter((observation) => familyOf(observation) === family);
      expect(observations.length).toBeGreaterThan(400);
      const mismatches = observations.flatMap((observation) => observationMismatches(replay(observation, 'upstream'), observation));
      expect(mismatches).toEqual([]);
    });
  }
});
