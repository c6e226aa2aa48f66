import { describe, expect, it } from 'vitest';
import { buildStream, entryBytes } from '../../../spec/builder/build-stream.js';
import { dir, endMarker, file, link, rawBytes, sourceBytes, special, withHeaderFields } from '../../../spec/builder/stream-parts.js';
import { toHex, utf8 } from '../../../spec/byte-string.js';
import { decodeFileHeader } from '../../../spec/codec/file-header.js';
import { S_IFCHR } from '../../../spec/constants.js';

const header = (bytes: Uint8Array) => {
  const decoded = decodeFileHeader(bytes);
  if (!decoded.ok) throw new Error('short');
  return decoded.value;
};

describe('stream builder', () => {
  it('writes a file like the reference sender (upstream "one file" stream)', () => {
    const bytes = buildStream([file('a', 'hi', { mtime: 1_000_000_000, mtimeNsec: 5 }), endMarker()]);
    expect(toHex(bytes)).toBe(
      '02000000a48100000200000000000000000000000000000000ca9a3b05000000610068690000000000000000000000000000000000000000000000000000000000000000',
    );
  });

  it('gives directories and links their type bits and usual modes', () => {
    expect(header(entryBytes(dir('d')))).toMatchObject({ mode: 0o40755, filelen: 0n, namelen: 2 });
    expect(header(entryBytes(link('d/l', 'target')))).toMatchObject({ mode: 0o120777, filelen: 6n, namelen: 4 });
    expect(header(entryBytes(special(S_IFCHR, 'c')))).toMatchObject({ mode: 0o20644 });
    expect(header(entryBytes(file('x', '', { mode: 0o4755 })))).toMatchObject({ mode: 0o104755 });
    expect(header(entryBytes(file('x', '', { mode: undefined })))).toMatchObject({ mode: 0o100000 });
  });

  it('writes raw names without NUL and overrides any header field', () => {
    const bytes = entryBytes(file(utf8('ab'), 'c', { nul: false, header: { namelen: 99, filelen: 2n ** 63n, atimeNsec: 1_000_000_000 } }));
    expect(header(bytes)).toMatchObject({ namelen: 99, filelen: 2n ** 63n, atimeNsec: 1_000_000_000 });
    expect(toHex(bytes.subarray(32))).toBe('616263');
  });

  it('writes a non-zero end marker, raw bytes and a truncation point', () => {
    const bytes = buildStream([endMarker({ mode: 7, filelen: 9n }), rawBytes('zz'), rawBytes(new Uint8Array([1]))]);
    expect(header(bytes)).toMatchObject({ namelen: 0, mode: 7, filelen: 9n });
    expect(toHex(bytes.subarray(32))).toBe('7a7a01');
    expect(buildStream([file('a', 'hello')], { truncateAt: 36 })).toHaveLength(36);
  });
});

describe('part helpers', () => {
  it('sourceBytes gives text as UTF-8 and bytes as they are', () => {
    expect(sourceBytes('é/x')).toEqual(utf8('é/x'));
    const raw = Uint8Array.of(0xff, 0);
    expect(sourceBytes(raw)).toBe(raw);
  });

  it('withHeaderFields overrides raw fields, keeps the others and can swap the payload', () => {
    const entry = file('f', 'abc', { mode: 0o600, header: { mtime: 5 } });
    const changed = withHeaderFields(entry, { filelen: 4n }, 'ab');
    expect(changed).toEqual({ ...entry, payload: 'ab', settings: { ...entry.settings, header: { mtime: 5, filelen: 4n } } });
    const header = decodeFileHeader(entryBytes(changed));
    expect(header.ok && { filelen: header.value.filelen, mtime: header.value.mtime }).toEqual({ filelen: 4n, mtime: 5 });
    expect(withHeaderFields(entry, { mode: 0o100644 }).payload).toBe('abc');
  });
});
