import { describe, expect, it } from 'vitest';
import { ValidatorFlag } from '../../../spec/constants.js';
import { SpecUsageError } from '../../../spec/errors.js';
import { receiverValidatorFlags, resolveOptions } from '../../../spec/model/options.js';

describe('receiver options', () => {
  it('default to qfile-unpacker\'s: directories, symlinks, non-canonical symlinks, no limits, not root', () => {
    const options = resolveOptions();
    expect(options).toEqual({
      mode: 'spec',
      allowDirectories: true,
      allowSymlinks: true,
      allowUnsafeCharacters: false,
      allowNonCanonicalSymlinks: true,
      allowUnsafeSymlinks: false,
      bytesLimit: 0n,
      filesLimit: 0n,
      privileged: false,
      upstreamTmpfile: true,
      directorySize: 4096,
    });
    expect(receiverValidatorFlags(options)).toBe(ValidatorFlag.NON_CANONICAL_SYMLINKS);
  });

  it('map profiles to validator flags, never non-canonical paths or trailing slashes', () => {
    const all = resolveOptions({ allowUnsafeCharacters: true, allowUnsafeSymlinks: true });
    expect(receiverValidatorFlags(all)).toBe(ValidatorFlag.UNSAFE_CHARACTERS | ValidatorFlag.NON_CANONICAL_SYMLINKS | ValidatorFlag.UNSAFE_SYMLINKS);
    expect(receiverValidatorFlags(resolveOptions({ allowNonCanonicalSymlinks: false }))).toBe(0);
  });

  it('accept limits as numbers or bigints up to u64', () => {
    expect(resolveOptions({ bytesLimit: 5, filesLimit: 2n ** 64n - 1n })).toMatchObject({ bytesLimit: 5n, filesLimit: 2n ** 64n - 1n });
  });

  it('refuse impossible settings', () => {
    expect(() => resolveOptions({ mode: 'strict' as never })).toThrow(SpecUsageError);
    expect(() => resolveOptions({ bytesLimit: -1 })).toThrow(SpecUsageError);
    expect(() => resolveOptions({ bytesLimit: 1.5 })).toThrow(SpecUsageError);
    expect(() => resolveOptions({ filesLimit: 2n ** 64n })).toThrow(SpecUsageError);
    expect(() => resolveOptions({ directorySize: -4096 })).toThrow(SpecUsageError);
  });
});
