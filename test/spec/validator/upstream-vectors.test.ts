import { describe, expect, it } from 'vitest';
import vectors from '../../fixtures/upstream-validator-vectors.json' with { type: 'json' };
import { fromHex } from '../../../spec/byte-string.js';
import { Errno, ValidatorFlag } from '../../../spec/constants.js';
import { validateFileName } from '../../../spec/validator/validate-file-name.js';
import { validateSymlink } from '../../../spec/validator/validate-symlink.js';

const bytes = (hex: string): Uint8Array => fromHex(hex)!;

describe('upstream validator-test.c vectors', () => {
  it('covers the whole upstream file', () => {
    expect(vectors.file_name_cases.length).toBe(538);
    expect(vectors.symlink_cases.length).toBe(57);
    expect(vectors.flags).toEqual({
      QUBES_PURE_ALLOW_UNSAFE_CHARACTERS: ValidatorFlag.UNSAFE_CHARACTERS,
      QUBES_PURE_ALLOW_NON_CANONICAL_SYMLINKS: ValidatorFlag.NON_CANONICAL_SYMLINKS,
      QUBES_PURE_ALLOW_UNSAFE_SYMLINKS: ValidatorFlag.UNSAFE_SYMLINKS,
      QUBES_PURE_ALLOW_NON_CANONICAL_PATHS: ValidatorFlag.NON_CANONICAL_PATHS,
      QUBES_PURE_ALLOW_TRAILING_SLASH: ValidatorFlag.TRAILING_SLASH,
    });
  });

  for (const vector of vectors.file_name_cases) {
    it(`file name line ${vector.line} ${JSON.stringify(vector.name.text)} flags ${vector.flags}`, () => {
      const errno = validateFileName(bytes(vector.name.hex), vector.flags);
      expect(errno === 0).toBe(vector.allowed);
      if (vector.expected_ret !== null) expect(errno === 0 ? 0 : -errno).toBe(vector.expected_ret);
    });
  }

  for (const vector of vectors.symlink_cases) {
    it(`symlink line ${vector.line} ${JSON.stringify(vector.path.text)} -> ${JSON.stringify(vector.target.text)} flags ${vector.flags}`, () => {
      const errno = validateSymlink(bytes(vector.path.hex), bytes(vector.target.hex), vector.flags);
      expect(errno === 0).toBe(vector.allowed);
    });
  }

  it('rejects unknown flag bits like upstream (EINVAL)', () => {
    expect(validateFileName(bytes('61'), 32)).toBe(Errno.EINVAL);
    expect(validateSymlink(bytes('612f62'), bytes('63'), 64)).toBe(Errno.EINVAL);
  });
});
