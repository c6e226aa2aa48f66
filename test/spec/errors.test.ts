import { describe, expect, it } from 'vitest';
import { isDecodeError, truncated } from '../../spec/errors.js';

describe('typed decode errors', () => {
  it('recognises exactly the error values the spec returns', () => {
    const failure = truncated('file-header', 3, 32, 5);
    expect(failure.ok).toBe(false);
    expect(!failure.ok && isDecodeError(failure.error)).toBe(true);
    expect(isDecodeError(new Error('boom'))).toBe(false);
    expect(isDecodeError(null)).toBe(false);
    expect(isDecodeError('truncated')).toBe(false);
    expect(isDecodeError({ kind: 'truncated', field: 'x', offset: 0, needed: 1, available: 1 })).toBe(false);
    expect(isDecodeError({ kind: 'truncated', field: 'x', offset: 0.5, needed: 2, available: 1 })).toBe(false);
  });
});
