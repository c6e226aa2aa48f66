import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { specSeeds } from '../../../harness/engines/jazzer/spec-seeds.js';
import { fuzz } from '../../../harness/engines/jazzer/spec-target.js';
import { hostileStreamArb } from '../../helpers/arbitraries.js';

describe('the spec fuzz target', () => {
  it('accepts every seed', () => {
    const seeds = specSeeds();
    expect(seeds.size).toBeGreaterThanOrEqual(18);
    for (const seed of seeds.values()) fuzz(Buffer.from(seed));
  });

  test.prop([fc.nat(255), fc.nat(255), hostileStreamArb], { numRuns: 300 })('holds every law on hostile input', (options, split, stream) => {
    fuzz(Buffer.from([options, split, ...stream]));
  });

  it('accepts inputs too short to hold options', () => {
    fuzz(Buffer.alloc(0));
    fuzz(Buffer.from([1]));
  });
});
