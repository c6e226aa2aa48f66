import { describe, expect, it } from 'vitest';
import { OBSERVATIONS, type Observation, type ObservedEntry } from '../../fixtures/observations.js';
import { fromHex, toHex } from '../../../spec/byte-string.js';
import { crc32 } from '../../../spec/crc.js';
import { predict } from '../../../spec/model/predict.js';
import type { ReceiverOptions } from '../../../spec/model/options.js';
import type { Prediction } from '../../../spec/model/prediction.js';

/** The options upstream ran with: qfile-unpacker's flags, limits from the environment, as root. */
function optionsOf(observation: Observation, mode: 'spec' | 'upstream'): ReceiverOptions {
  const env = observation.env;
  return {
    mode,
    privileged: true,
    allowUnsafeSymlinks: observation.args.includes('--allow-unsafe-symlinks'),
    allowUnsafeCharacters: observation.args.includes('--allow-all-names'),
    bytesLimit: BigInt(env.QFC_BYTES_LIMIT ?? 0),
    filesLimit: BigInt(env.QFC_FILES_LIMIT ?? 0),
  };
}

// Times the receiver's clock set: the observations ran in 2026, every time a stream sets is earlier.
const CLOCK_AFTER_NS = 1_600_000_000n * 1_000_000_000n;

function expectMatchesObservation(prediction: Prediction, observation: Observation): void {
  const seen = observation.observed;
  expect(prediction.exitStatus).toBe(seen.exitStatus);
  if (seen.result === null) {
    expect(prediction.result.sent).toBe(false);
  } else {
    expect(prediction.result.sent).toBe(true);
    expect(prediction.result.errorCode).toBe(seen.result.errorCode);
    expect(prediction.result.crc32).toBe(seen.result.crc32);
    const lastName = prediction.result.lastName;
    expect(lastName === null ? null : toHex(lastName)).toBe(seen.result.lastNameHex);
    expect(16 + (lastName === null ? 0 : 4 + lastName.length)).toBe(seen.stdoutBytes);
  }
  expect(prediction.tree.map((entry) => entry.path)).toEqual(seen.tree.map((entry) => entry.path));
  prediction.tree.forEach((entry, index) => {
    const observed: ObservedEntry = seen.tree[index]!;
    expect(`0o${entry.mode.toString(8)}`).toBe(observed.mode);
    if (entry.type === 'symlink') {
      expect(entry.target).toBe(observed.target);
      return;
    }
    if (entry.type === 'file') expect(entry.size).toBe(observed.size);
    const observedMtime = BigInt(observed.mtime_ns!);
    if (entry.mtimeNs === null) expect(observedMtime > CLOCK_AFTER_NS).toBe(true);
    else expect(entry.mtimeNs).toBe(observedMtime);
  });
}

const stream = (observation: Observation): Uint8Array => fromHex(observation.streamHex)!;

describe('the model in upstream mode reproduces the real upstream receiver', () => {
  it('has all 50 observations', () => expect(OBSERVATIONS).toHaveLength(50));

  for (const observation of OBSERVATIONS) {
    it(observation.label, () => {
      const prediction = predict(stream(observation), optionsOf(observation, 'upstream'));
      expectMatchesObservation(prediction, observation);
      expect(prediction.result.crc32).toBe(crc32(stream(observation).subarray(0, prediction.bytesConsumed)));
    });
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
      const bytes = stream(observation);
      const upstream = predict(bytes, optionsOf(observation, 'upstream'));
      const spec = predict(bytes, optionsOf(observation, 'spec'));
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
