/**
 * How the limits of a case reach a receiver: variables, arguments with `{}`, or a skip.
 */
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_LIMITS, passLimits } from '../../../harness/adapters/limits-contract.js';

describe('passLimits', () => {
  it('sets QFC_BYTES_LIMIT and QFC_FILES_LIMIT by default, and nothing for a case without limits', () => {
    expect(passLimits(ENVIRONMENT_LIMITS, { bytes: 10n, files: 2n })).toEqual({ args: [], env: { QFC_BYTES_LIMIT: '10', QFC_FILES_LIMIT: '2' } });
    expect(passLimits(null, {})).toEqual({ args: [], env: {} });
  });

  it('puts the value where {} stands, in every argument', () => {
    expect(passLimits({ bytes: { args: ['--bytes-limit', '{}'] }, files: { args: ['--files={}'] } }, { bytes: 18446744073709551615n, files: 1n })).toEqual({ args: ['--bytes-limit', '18446744073709551615', '--files=1'], env: {} });
    expect(passLimits({ bytes: { env: 'MAX_BYTES' }, files: null }, { bytes: 5n })).toEqual({ args: [], env: { MAX_BYTES: '5' } });
  });

  it('skips a case whose limit the receiver does not take', () => {
    expect(passLimits({ bytes: { env: 'B' }, files: null }, { files: 1n })).toEqual({ skip: expect.stringMatching(/takes no file limit/) });
    expect(passLimits(null, { bytes: 1n })).toEqual({ skip: expect.stringMatching(/takes no byte limit/) });
  });
});
