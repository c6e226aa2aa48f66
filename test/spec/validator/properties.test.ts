import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import vectors from '../../fixtures/upstream-validator-vectors.json' with { type: 'json' };
import { fromHex, utf8 } from '../../../spec/byte-string.js';
import { Errno, ValidatorFlag } from '../../../spec/constants.js';
import { allowedSequenceLength } from '../../../spec/validator/allowed-sequence.js';
import { ALLOWLIST_PROVENANCE, ALLOWLIST_RANGES, isAllowedCodePoint } from '../../../spec/validator/allowlist.js';
import { validateFileName } from '../../../spec/validator/validate-file-name.js';
import { validatePath } from '../../../spec/validator/validate-path.js';
import { explainSymlink, validateSymlink } from '../../../spec/validator/validate-symlink.js';
import { componentArb, pathBytesArb, structuredPathArb } from '../../helpers/arbitraries.js';

const anyPathArb = fc.oneof(pathBytesArb, structuredPathArb);

const flagsArb = fc.integer({ min: 0, max: 31 });
const components = (bytes: Uint8Array): string[] => new TextDecoder('latin1').decode(bytes.subarray(0, (bytes.indexOf(0) + 1 || bytes.length + 1) - 1)).split('/');

/** Resolve `target` from the directory of `name` lexically; null when it climbs above the root. */
function resolveLexically(name: string[], target: string[]): string[] | null {
  const at = name.slice(0, -1);
  for (const part of target) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (at.length === 0) return null;
      at.pop();
    } else at.push(part);
  }
  return at;
}

describe('validator properties', () => {
  test.prop([anyPathArb, fc.nat(3), flagsArb])('a refusal names a rule that agrees with its errno', (path, budget, flags) => {
    const verdict = validatePath(path, budget, flags);
    if (verdict.ok) return;
    const climbing = ['name.empty', 'name.absolute', 'name.dotdot-component', 'name.dotdot-after-normal'].includes(verdict.rule);
    expect(verdict.errno).toBe(climbing ? Errno.ENOLINK : Errno.EILSEQ);
  });

  test.prop([anyPathArb, anyPathArb, flagsArb])('explainSymlink agrees with validateSymlink and names a rule for every refusal', (name, target, flags) => {
    const verdict = explainSymlink(name, target, flags);
    expect(verdict.errno).toBe(validateSymlink(name, target, flags));
    expect(verdict.rule === null).toBe(verdict.errno === 0);
  });

  test.prop([anyPathArb, fc.integer({ min: 0, max: 31 }).map((f) => f & ~ValidatorFlag.TRAILING_SLASH)])(
    'an accepted name has no .., . or empty component and no leading or trailing /',
    (name, flags) => {
      if (validateFileName(name, flags & ~ValidatorFlag.NON_CANONICAL_PATHS) !== 0) return;
      const parts = components(name);
      expect(parts.every((part) => part !== '' && part !== '.' && part !== '..')).toBe(true);
    },
  );

  test.prop([anyPathArb, anyPathArb, flagsArb.map((f) => f & ~ValidatorFlag.UNSAFE_SYMLINKS)], { numRuns: 2000 })(
    'an accepted symlink resolves inside its top-level directory when joined to its parent path',
    (name, target, flags) => {
      if (validateSymlink(name, target, flags) !== 0) return;
      const resolved = resolveLexically(components(name), components(target));
      expect(resolved).not.toBeNull();
      expect(resolved!.length).toBeGreaterThanOrEqual(1);
      expect(resolved![0]).toBe(components(name)[0]);
    },
  );

  test.prop([fc.array(componentArb, { minLength: 1, maxLength: 5 })])('names built from valid components are accepted', (parts) => {
    expect(validateFileName(utf8(parts.join('/')), 0)).toBe(0);
    expect(validatePath(utf8(parts.join('/')), 0, 0)).toEqual({ ok: true, components: parts.length });
  });

  test.prop([fc.array(componentArb, { minLength: 2, maxLength: 6 }), fc.nat(6)])(
    'a link may climb exactly depth-2 levels and no more',
    (parts, climb) => {
      const name = utf8(parts.join('/'));
      const target = utf8(`${'../'.repeat(climb)}x`);
      expect(validateSymlink(name, target, 0)).toBe(climb <= parts.length - 2 ? 0 : Errno.ENOLINK);
    },
  );

  it('reads names as C strings', () => {
    expect(validateFileName(utf8('a\0../b'), 0)).toBe(0);
    expect(validateFileName(utf8('\0a'), 0)).toBe(Errno.EILSEQ);
  });

  it('reports the errno of each path rule', () => {
    const verdict = (path: string, budget = 0, flags = 0) => validatePath(utf8(path), budget, flags);
    expect(verdict('')).toEqual({ ok: false, errno: Errno.ENOLINK, rule: 'name.empty' });
    expect(verdict('', 0, ValidatorFlag.NON_CANONICAL_PATHS)).toEqual({ ok: true, components: 0 });
    expect(verdict('/a')).toEqual({ ok: false, errno: Errno.ENOLINK, rule: 'name.absolute' });
    expect(verdict('a//b')).toEqual({ ok: false, errno: Errno.EILSEQ, rule: 'name.empty-component' });
    expect(verdict('a/./b')).toEqual({ ok: false, errno: Errno.EILSEQ, rule: 'name.dot-component' });
    expect(verdict('a\x01')).toEqual({ ok: false, errno: Errno.EILSEQ, rule: 'name.charset' });
    expect(verdict('a/')).toEqual({ ok: false, errno: Errno.EILSEQ, rule: 'name.trailing-slash' });
    expect(verdict('..')).toEqual({ ok: false, errno: Errno.ENOLINK, rule: 'name.dotdot-component' });
    expect(verdict('a//b', 0, ValidatorFlag.NON_CANONICAL_PATHS)).toEqual({ ok: true, components: 2 });
    expect(verdict('./a', 0, ValidatorFlag.NON_CANONICAL_PATHS)).toEqual({ ok: true, components: 1 });
    expect(verdict('../../a', 2)).toEqual({ ok: true, components: 1 });
    expect(verdict('../../a', 1)).toEqual({ ok: false, errno: Errno.ENOLINK, rule: 'name.dotdot-component' });
    expect(verdict('a/../b', 5)).toEqual({ ok: false, errno: Errno.ENOLINK, rule: 'name.dotdot-after-normal' });
    expect(verdict('..', 1)).toEqual({ ok: true, components: 0 });
    expect(verdict('a/', 0, ValidatorFlag.TRAILING_SLASH)).toEqual({ ok: true, components: 1 });
    expect(verdict('..a/.b/a..')).toEqual({ ok: true, components: 3 });
  });

  it('names the rule behind every refusal of a link', () => {
    const explain = (name: string, target: string, flags: number = ValidatorFlag.NON_CANONICAL_SYMLINKS) => explainSymlink(utf8(name), utf8(target), flags);
    expect(explain('a/l', 'x')).toEqual({ errno: 0, rule: null });
    expect(explain('l', 'x')).toEqual({ errno: Errno.ENOLINK, rule: 'link.depth' });
    expect(explain('a/../l', 'x')).toEqual({ errno: Errno.EILSEQ, rule: 'name.dotdot-after-normal' });
    expect(explain('a/l', '/etc')).toEqual({ errno: Errno.ENOLINK, rule: 'link.absolute-target' });
    expect(explain('a/l', '../x')).toEqual({ errno: Errno.ENOLINK, rule: 'link.escape-depth' });
    expect(explain('a/b/l', '../x')).toEqual({ errno: 0, rule: null });
    expect(explain('a/b/l', 'x/../../y')).toEqual({ errno: Errno.ENOLINK, rule: 'link.escape-depth' });
    expect(explain('a/l', 'x//y')).toEqual({ errno: 0, rule: null });
    expect(explain('a/l', 'x//y', 0)).toEqual({ errno: Errno.EILSEQ, rule: 'link.non-canonical-target' });
    expect(explain('a/l', './y', 0)).toEqual({ errno: Errno.EILSEQ, rule: 'link.non-canonical-target' });
    expect(explain('a/l', '')).toEqual({ errno: 0, rule: null });
    expect(explain('a/l', '', 0)).toEqual({ errno: Errno.ENOLINK, rule: 'name.empty' });
    expect(explain('a/l', 'x\x7f')).toEqual({ errno: Errno.EILSEQ, rule: 'name.charset' });
    expect(explain('a/l', '/etc', ValidatorFlag.UNSAFE_SYMLINKS)).toEqual({ errno: 0, rule: null });
    expect(explain('a/l', 'x', 1 << 20)).toEqual({ errno: Errno.EINVAL, rule: null });
  });

  it('rejects a symlink name of depth 0 even with unsafe symlinks allowed', () => {
    const flags = ValidatorFlag.UNSAFE_SYMLINKS | ValidatorFlag.NON_CANONICAL_PATHS;
    expect(validateSymlink(utf8('.'), utf8('/x'), flags)).toBe(Errno.ENOLINK);
    expect(validateSymlink(utf8('a'), utf8('/x'), flags)).toBe(0);
  });
});

describe('the Unicode allowlist', () => {
  it('keeps upstream\'s provenance and sorted disjoint ranges', () => {
    expect(ALLOWLIST_PROVENANCE.source).toContain('QubesOS/qubes-linux-utils');
    for (let i = 1; i < ALLOWLIST_RANGES.length; i++) expect(ALLOWLIST_RANGES[i]![0]).toBeGreaterThan(ALLOWLIST_RANGES[i - 1]![1]);
  });

  const extra = vectors.extra_code_point_ranges;
  const sample = ([first, last]: number[]): number[] =>
    last! - first! < 5000 ? Array.from({ length: last! - first! + 1 }, (_, i) => first! + i) : [first!, last!, (first! + last!) >> 1];

  it('allows every code point upstream\'s tests call allowed', () => {
    for (const range of [...extra.allowed_ascii, ...extra.allowed_cjk]) for (const cp of sample(range)) expect(isAllowedCodePoint(cp)).toBe(true);
  });

  it('forbids every code point upstream\'s tests call forbidden', () => {
    for (const range of extra.forbidden) for (const cp of sample(range)) expect(isAllowedCodePoint(cp)).toBe(false);
  });

  it('refuses upstream\'s unsafe display strings as name characters', () => {
    for (const { string } of vectors.extra_display_strings) {
      const bytes = fromHex(string.hex)!;
      expect(allowedSequenceLength(bytes, 0)).toBe(0);
    }
  });

  it('parses surrogates and values above U+10FFFF like upstream, then refuses them', () => {
    expect(allowedSequenceLength(Uint8Array.from([0xed, 0xa0, 0x80]), 0)).toBe(0);
    expect(allowedSequenceLength(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]), 0)).toBe(0);
    expect(allowedSequenceLength(Uint8Array.from([0xe0, 0x80, 0x80]), 0)).toBe(0); // overlong
    expect(allowedSequenceLength(Uint8Array.from([0xf0, 0x80, 0x80, 0x80]), 0)).toBe(0); // overlong
    expect(allowedSequenceLength(Uint8Array.from([0xe0, 0xa0]), 0)).toBe(0); // ends early
    expect(allowedSequenceLength(utf8('β'), 0)).toBe(2);
    expect(allowedSequenceLength(utf8('中'), 0)).toBe(3);
    expect(allowedSequenceLength(utf8('\u{20000}'), 0)).toBe(4);
    expect(allowedSequenceLength(utf8('\u{100000}'), 0)).toBe(0); // plane 16 private use
  });
});
