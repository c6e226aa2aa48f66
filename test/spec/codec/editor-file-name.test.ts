import { describe, expect, it } from 'vitest';
import { sanitizeEditorFileName } from '../../../spec/codec/editor-file-name.js';
import { utf8 } from '../../../spec/byte-string.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('vm-file-editor file name sanitization', () => {
  const cases: readonly [string, Uint8Array, string][] = [
    ['an ordinary name is kept', utf8('report-2024_v1.2+final@home.pdf'), 'report-2024_v1.2+final@home.pdf'],
    ['spaces and shell characters become _', utf8('a b;c$(d)`e`|f'), 'a_b_c__d__e__f'],
    ['control characters become _', utf8('a\nb\tc\u0001'), 'a_b_c_'],
    ['each byte of a multi-byte character becomes _', utf8('β.txt'), '__.txt'],
    ['a leading dot is kept (hidden files open too)', utf8('.bashrc'), '.bashrc'],
    ['dots inside a longer name are kept', utf8('...'), '...'],
  ];
  for (const [what, input, output] of cases) {
    it(what, () => {
      const sanitized = sanitizeEditorFileName(input);
      expect(sanitized.ok && text(sanitized.name)).toBe(output);
    });
  }

  const refused: readonly [string, Uint8Array, string][] = [
    ['a slash anywhere', utf8('../etc/passwd'), 'contains-slash'],
    ['a lone slash', utf8('/'), 'contains-slash'],
    ['an empty name (an all-NUL field)', new Uint8Array(0), 'empty'],
    ['.', utf8('.'), 'dot-name'],
    ['..', utf8('..'), 'dot-name'],
  ];
  for (const [what, input, reason] of refused) {
    it(`refuses ${what}`, () => expect(sanitizeEditorFileName(input)).toEqual({ ok: false, reason }));
  }
});
