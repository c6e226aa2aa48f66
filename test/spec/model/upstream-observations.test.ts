/**
 * The first 50 upstream observations, one behaviour each: 'upstream' mode reproduces every
 * one exactly, and 'spec' mode agrees with it except where a quirk position says otherwise.
 */
import { describe, expect, it } from 'vitest';
import { OBSERVATIONS } from '../../fixtures/observations.js';
import { observationMismatches, observedOptions, observedStream, replay } from '../../helpers/observation-match.js';
import { toHex } from '../../../spec/byte-string.js';
import { crc32 } from '../../../spec/crc.js';
import { predict } from '../../../spec/model/predict.js';
import type { Prediction } from '../../../spec/model/prediction.js';

describe('the model in upstream mode reproduces the real upstream receiver', () => {
  it('has all 50 observations', () => expect(OBSERVATIONS).toHaveLength(50));

  for (const observation of OBSERVATIONS) {
    it(observation.label, () => expect(observationMismatches(replay(observation, 'upstream'), observation)).toEqual([]));
  }
});

/** Where the spec deliberately differs from upstream, with the exact spec outcome. */
const SPEC_POSITIONS: Record<string, { quirk: string; check: (prediction: Prediction, bytes: Uint8Array) => void }> = {
  'dir name ../x': {
    quirk: 'directory-name-errno',
    check: (p) => {
      expect([p.result.errorCode, p.exitStatus, toHex(p.result.lastName!)]).toEqual([84, 84, toHex(new TextEncoder().encode('../x'))]);
      expect(p.tree).toEqual([]);
    },
  },
  'dir name d/': {
    quirk: 'directory-name-errno',
    check: (p) => expect([p.result.errorCode, p.exitStatus, p.tree.length]).toEqual([84, 84, 0]),
  },
  'mtime nsec 1e9': {
    quirk: 'nsec-fatal',
    check: (p, bytes) => {
      expect(p.result).toEqual({ sent: true, errorCode: 22, crc32: crc32(bytes.subarray(0, 34)), lastName: new Uint8Array([0x61]) });
      expect(p.exitStatus).toBe(22);
      expect(p.tree).toEqual([]);
    },
  },
  'atime nsec 1e9': {
    quirk: 'nsec-fatal',
    check: (p) => expect([p.result.sent, p.result.errorCode, p.tree.length]).toEqual([true, 22, 0]),
  },
  'setuid file mode': {
    quirk: 'set-id-applied',
    check: (p) => {
      expect(p.result.errorCode).toBe(0);
      expect(p.tree.map((entry) => entry.mode)).toEqual([0o100755]);
    },
  },
};

describe('the model in spec mode agrees with upstream except where a position says otherwise', () => {
  for (const observation of OBSERVATIONS) {
    it(observation.label, () => {
      const bytes = observedStream(observation);
      const upstream = predict(bytes, observedOptions(observation, 'upstream'));
      const spec = predict(bytes, observedOptions(observation, 'spec'));
      const position = SPEC_POSITIONS[observation.label];
      expect(spec.quirks).toEqual([]);
      if (position === undefined) {
        expect(upstream.quirks).toEqual([]);
        expect({ ...spec, quirks: [] }).toEqual({ ...upstream, quirks: [] });
      } else {
        expect(upstream.quirks).toContain(position.quirk);
        position.check(spec, bytes);
      }
    });
  }
});
