import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeFilenameField, encodeFilenameField } from '../../../spec/codec/filename-field.js';
import { concatBytes, utf8 } from '../../../spec/byte-string.js';
import { FILENAME_FIELD_SIZE } from '../../../spec/constants.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const basenameArb = fc.uint8Array({ minLength: 1, maxLength: 400 }).map((bytes) => bytes.map((b) => (b === 0 || b === 0x2f ? 0x61 : b)));

describe('qubes.OpenInVM filename field', () => {
  it('is the basename, NUL-padded to 256 bytes', () => {
    const field = encodeFilenameField(utf8('/home/user/Documents/report.pdf'), false);
    expect(field.length).toBe(FILENAME_FIELD_SIZE);
    expect(text(field.subarray(0, 10))).toBe('report.pdf');
    expect(field.subarray(10).every((byte) => byte === 0)).toBe(true);
    expect(decodeFilenameField(field)).toEqual({ ok: true, value: { viewOnly: false, name: utf8('report.pdf') } });
  });

  it('carries the view-only prefix', () => {
    const field = encodeFilenameField(utf8('notes.txt'), true);
    expect(text(field.subarray(0, 19))).toBe('view-only-notes.txt');
    expect(decodeFilenameField(field)).toEqual({ ok: true, value: { viewOnly: true, name: utf8('notes.txt') } });
  });

  it('cuts a long basename from the left and keeps the prefix and the extension', () => {
    const base = `${'x'.repeat(300)}.odt`;
    const plain = encodeFilenameField(utf8(base), false);
    const decoded = decodeFilenameField(plain);
    expect(decoded.ok && text(decoded.value.name)).toBe(base.slice(base.length - 255));
    expect(plain[255]).toBe(0);
    const viewOnly = decodeFilenameField(encodeFilenameField(utf8(base), true));
    expect(viewOnly.ok && [viewOnly.value.viewOnly, text(viewOnly.value.name)]).toEqual([true, base.slice(base.length - 245)]);
  });

  it('forces the last byte to NUL when a client sends 256 bytes without one', () => {
    const field = new Uint8Array(FILENAME_FIELD_SIZE).fill(0x41);
    const decoded = decodeFilenameField(field);
    expect(decoded.ok && decoded.value.name.length).toBe(255);
  });

  it('reports a short field as a typed error', () => {
    expect(decodeFilenameField(new Uint8Array(100))).toEqual({
      ok: false,
      error: { kind: 'truncated', field: 'filename-field', offset: 0, needed: 256, available: 100 },
    });
  });

  test.prop([basenameArb, fc.boolean()])('decode(encode(base)) keeps the flag and the last 255-prefix bytes', (base, viewOnly) => {
    const decoded = decodeFilenameField(encodeFilenameField(concatBytes([utf8('dir/'), base]), viewOnly));
    const room = 255 - (viewOnly ? 10 : 0);
    expect(decoded).toEqual({ ok: true, value: { viewOnly, name: base.slice(Math.max(0, base.length - room)) } });
  });
});
