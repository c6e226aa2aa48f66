/**
 * Receiver settings of a run: the profile (PROTOCOL §2 settings) and byte and file limits
 * around the sizes the stream arbitraries produce. No limit is the usual case.
 */
import fc from 'fast-check';
import { U64_MAX } from '../../../../spec/constants.js';
import { PROFILES, type Profile } from '../../../adapters/implementation.js';

/** A run's profile and limits. */
export interface ReceiverSettings {
  readonly profile: Profile;
  readonly limits: { readonly bytes?: bigint; readonly files?: bigint };
}

const limitsArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }).map((files) => ({ files: BigInt(files) })) },
  { weight: 1, arbitrary: fc.constantFrom(1n, 2n, 8n, 40n, 100n, 4096n, 2n ** 63n, U64_MAX).map((bytes) => ({ bytes })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom(3n, 50n)).map(([files, bytes]) => ({ files: BigInt(files), bytes })) },
);

/** Settings; with `profile` fixed (`--profile`), only the limits vary. */
export function receiverSettingsArb(profile: Profile | null): fc.Arbitrary<ReceiverSettings> {
  const profileArb = profile === null ? fc.oneof({ weight: 6, arbitrary: fc.constant<Profile>('default') }, { weight: 1, arbitrary: fc.constantFrom(...PROFILES.filter((p) => p !== 'default')) }) : fc.constant(profile);
  return fc.record({ profile: profileArb, limits: limitsArb });
}
