/**
 * Names and link targets from hostile dictionaries (PROTOCOL §3): traversal and absolute
 * forms, non-canonical ones, every character class the allowlist refuses (controls, DEL,
 * invalid and overlong UTF-8, surrogates, emoji, right-to-left, private use), embedded
 * NULs, and lengths at the NAME_MAX, PATH_MAX and namelen limits. Names are drawn from a
 * small related pool too, so that entries collide and links sit on other entries' paths.
 */
import fc from 'fast-check';
import { concatBytes, utf8 } from '../../../../spec/byte-string.js';
import { MAX_NAME_LENGTH, NAME_MAX, PATH_MAX } from '../../../../spec/constants.js';
import { SANDBOX_ALIAS } from '../../../sandbox/run-contained.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** Names that relate to each other: parents, children, links on the way. */
export const RELATED_NAMES: readonly string[] = ['a', 'b', 'a/b', 'a/b/c', 'a/l', 'a/l/x', 'a/b/l', 'l', 'a/b/c/d'];

/** Absolute paths into the sandbox's observable outside area (see SANDBOX_ALIAS). */
export const OUTSIDE_PATHS: readonly string[] = [`${SANDBOX_ALIAS}/outside/x`, `${SANDBOX_ALIAS}/outside/dir`, `${SANDBOX_ALIAS}/outside/sentinel.txt`, `${SANDBOX_ALIAS}/outside`];

/**
 * Names that would escape to where it is seen: one level up from the target is the sandbox
 * root, `../outside` holds the sentinels, and the alias reaches them by absolute path.
 */
export const ESCAPE_NAMES: readonly string[] = ['../x', '../outside/x', '..', '../outside/dir/x', 'a/../../x', '../outside/sentinel.txt', '../outside/link', ...OUTSIDE_PATHS];

/** Other forms §3 refuses: deeper climbs, the host's root, non-canonical paths; and odd valid ones. */
export const TRAVERSAL_NAMES: readonly string[] = ['a/../b', 'a/..', '../../../x', '/x', '/', '//x', 'a//b', './a', 'a/.', '.', '', 'a/', 'a/./b', '...', '..a', 'a..', '.a'];

/** Characters of each class §3 treats specially (valid ones too, as controls). */
export const CHARSET_SAMPLES: readonly Uint8Array[] = [
  bytes(0x01), bytes(0x1f), bytes(0x7f), bytes(0x0a), bytes(0x09), // controls and DEL
  bytes(0x80), bytes(0xff), bytes(0xc0, 0xaf), bytes(0xe0, 0x80, 0xaf), bytes(0xf0, 0x80, 0x80, 0xaf), // invalid and overlong
  bytes(0xed, 0xa0, 0x80), bytes(0xed, 0xbf, 0xbf), bytes(0xf4, 0x90, 0x80, 0x80), bytes(0xe2, 0x82), // surrogates, > U+10FFFF, cut short
  utf8('🙂'), utf8('\u202e'), utf8('\u200b'), utf8('\ufeff'), utf8('\ue000'), utf8('\u{f0000}'), utf8('א'), utf8('\u0301'), // refused classes
  utf8('é'), utf8('中'), utf8('Ω'), utf8('\u{20000}'), // allowed
];

/** Names with a NUL inside: the receiver uses the bytes before it. */
const NUL_NAMES: readonly Uint8Array[] = [bytes(0), concatBytes([utf8('a'), bytes(0), utf8('b')]), concatBytes([utf8('a'), bytes(0), utf8('../x')]), concatBytes([bytes(0), utf8('a')])];

/** A relative path of exactly `length` bytes, no component longer than NAME_MAX. */
function pathOfLength(length: number): Uint8Array {
  const components: string[] = [];
  let left = length;
  while (left > NAME_MAX) {
    components.push('d'.repeat(200));
    left -= 201;
  }
  components.push('d'.repeat(left));
  return utf8(components.join('/'));
}

/** Names at length limits (built lazily, they are long). */
const LENGTH_NAMES: readonly (() => Uint8Array)[] = [
  () => utf8('n'.repeat(NAME_MAX)),
  () => utf8('n'.repeat(NAME_MAX + 1)),
  () => utf8(`a/${'n'.repeat(NAME_MAX + 1)}`),
  () => pathOfLength(PATH_MAX - 1),
  () => pathOfLength(PATH_MAX),
  () => utf8('n'.repeat(MAX_NAME_LENGTH - 1)), // with its NUL, exactly the longest namelen
];

const charsetNameArb: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.constantFrom('', 'a', 'a/'), fc.constantFrom(...CHARSET_SAMPLES), fc.constantFrom('', 'x', '.txt'))
  .map(([before, sample, after]) => concatBytes([utf8(before), sample, utf8(after)]));

/** A hostile or related name, as raw bytes (without the terminating NUL). */
export const hostileNameArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...RELATED_NAMES).map(utf8) },
  { weight: 5, arbitrary: fc.constantFrom(...ESCAPE_NAMES).map(utf8) },
  { weight: 3, arbitrary: fc.constantFrom(...TRAVERSAL_NAMES).map(utf8) },
  { weight: 3, arbitrary: charsetNameArb },
  { weight: 1, arbitrary: fc.constantFrom(...NUL_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...LENGTH_NAMES).map((make) => make()) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }) },
);

/** A symlink target: within, at and beyond the `..` budget, absolute, non-canonical, odd characters. */
export const hostileTargetArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.nat(4), fc.constantFrom('x', 'b', 'a/b', 'l/x', '', 'b/')).map(([climb, rest]) => utf8(`${'../'.repeat(climb)}${rest}`)) },
  { weight: 3, arbitrary: fc.constantFrom(...ESCAPE_NAMES, '../outside', '../../outside', '../../outside/sentinel.txt', ...TRAVERSAL_NAMES, '/etc/passwd', 'x/../../y').map(utf8) },
  { weight: 1, arbitrary: charsetNameArb },
  { weight: 1, arbitrary: fc.constantFrom(...NUL_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(() => utf8('t'.repeat(PATH_MAX)), () => utf8('t'.repeat(PATH_MAX - 1)), () => utf8(`${'../'.repeat(40)}x`)).map((make) => make()) },
);
