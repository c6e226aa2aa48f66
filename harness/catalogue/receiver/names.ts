/**
 * Names (PROTOCOL §3): traversal, absolute paths, non-canonical forms, embedded NUL,
 * length limits and every class of character, under the default and allow-all-names
 * profiles.
 */
import { dir, endMarker, file, type StreamPart } from '../../../spec/builder/stream-parts.js';
import type { ClauseId } from '../../../spec/clauses.js';
import { Errno } from '../../../spec/constants.js';
import type { Profile } from '../../adapters/implementation.js';
import type { SandboxPaths } from '../../sandbox/sandbox-root.js';
import { receiverCase, type ReceiverCase } from '../catalogue-case.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

interface NameCase {
  readonly id: string;
  readonly title: string;
  readonly name: Uint8Array | string | ((sandbox: SandboxPaths) => string);
  readonly clauses: readonly ClauseId[];
  readonly errorCode: number;
  readonly profile?: Profile;
  /** Send the name as a directory header instead of a file. */
  readonly directory?: boolean;
  /** Entries sent first (parents). */
  readonly before?: readonly StreamPart[];
}

function nameCase(spec: NameCase): ReceiverCase {
  return receiverCase('names', {
    id: spec.id,
    title: spec.title,
    clauses: [spec.directory ? 'dir.name-valid' : 'file.name-valid', ...(spec.errorCode === 0 ? [] : (['recv.stop-at-error', 'recv.exit-status', 'errno.values'] as const)), ...spec.clauses],
    profile: spec.profile,
    stream: (sandbox) => {
      const name = typeof spec.name === 'function' ? spec.name(sandbox) : spec.name;
      const entry = spec.directory ? dir(name) : file(name, 'payload');
      return [...(spec.before ?? []), entry, endMarker()];
    },
    pinned: { errorCode: spec.errorCode },
  });
}

const rejected = (id: string, title: string, name: NameCase['name'], clauses: readonly ClauseId[], extra: Partial<NameCase> = {}): ReceiverCase =>
  nameCase({ id, title, name, clauses, errorCode: Errno.EILSEQ, ...extra });
const accepted = (id: string, title: string, name: NameCase['name'], clauses: readonly ClauseId[], extra: Partial<NameCase> = {}): ReceiverCase =>
  nameCase({ id, title, name, clauses, errorCode: 0, ...extra });

const D = [dir('d')];

export const NAME_CASES: readonly ReceiverCase[] = [
  // traversal
  rejected('dotdot-alone', 'the name ..', '..', ['name.dotdot-component', 'name.non-dotdot-component']),
  rejected('dotdot-leading', 'a name starting with ../', '../outside/escaped', ['name.dotdot-component', 'inv.no-escape']),
  rejected('dotdot-double-leading', 'a name starting with ../../', '../../escaped', ['name.dotdot-component']),
  rejected('dotdot-in-middle', 'a .. in the middle of a name', 'd/../../outside/x', ['name.dotdot-after-normal'], { before: D }),
  rejected('dotdot-at-end', 'a name ending in /..', 'd/..', ['name.dotdot-component'], { before: D }),
  rejected('dotdot-directory', 'a directory named ../x', '../x', ['name.dotdot-component', 'quirk.directory-name-errno'], { directory: true }),
  rejected('dotdot-with-all-names', 'a .. stays forbidden with all names allowed', '../x', ['name.dotdot-component'], { profile: 'allow-all-names' }),
  // absolute
  rejected('absolute-name', 'an absolute name', '/etc/passwd', ['name.absolute']),
  rejected('absolute-into-sandbox', 'an absolute name aimed at the observable outside area', (s) => `${s.outside}/absolute-escape`, ['name.absolute', 'inv.no-escape']),
  rejected('absolute-slash-only', 'the name /', '/', ['name.absolute']),
  rejected('absolute-with-all-names', 'an absolute name with all names allowed', (s) => `${s.outside}/escape`, ['name.absolute'], { profile: 'allow-all-names' }),
  // non-canonical
  rejected('dot-alone', 'the name .', '.', ['name.dot-component']),
  rejected('dot-leading', 'a name starting with ./', './a', ['name.dot-component']),
  rejected('dot-in-middle', 'a . component in the middle', 'd/./a', ['name.dot-component'], { before: D }),
  rejected('empty-component', 'an empty component: d//a', 'd//a', ['name.empty-component'], { before: D }),
  rejected('leading-double-slash', 'a name starting with //', '//a', ['name.absolute', 'name.empty-component']),
  rejected('trailing-slash-file', 'a file name ending in /', 'a/', ['name.trailing-slash']),
  rejected('trailing-slash-directory', 'a directory name ending in /', 'd/', ['name.trailing-slash', 'quirk.directory-name-errno'], { directory: true }),
  rejected('empty-name', 'a name that is only its NUL', '', ['name.empty', 'name.non-dotdot-component']),
  // NUL
  accepted('embedded-nul-cuts-name', 'a name ends at its first NUL: a\\0../../x creates a', bytes(0x61, 0, 0x2e, 0x2e, 0x2f, 0x2e, 0x2e, 0x2f, 0x78), ['wire.name-c-string']),
  rejected('leading-nul', 'a name starting with NUL is empty', bytes(0, 0x61, 0x62), ['wire.name-c-string', 'name.empty']),
  // length
  nameCase({ id: 'component-of-255-bytes', title: 'a path component of 255 bytes (NAME_MAX)', name: 'n'.repeat(255), clauses: ['name.kernel-limits'], errorCode: 0 }),
  nameCase({ id: 'component-of-256-bytes', title: 'a path component of 256 bytes', name: 'n'.repeat(256), clauses: ['name.kernel-limits'], errorCode: Errno.ENAMETOOLONG }),
  nameCase({ id: 'name-of-16382-bytes', title: 'a 16382-byte name (16383 with its NUL) whose parents are missing', name: `${'p/'.repeat(8190)}zz`, clauses: ['name.length-limit', 'walk.no-follow'], errorCode: Errno.ENOENT }),
  nameCase({ id: 'namelen-16384', title: 'namelen 16384 is refused before the name is read', name: 'a'.repeat(16383), clauses: ['name.length-limit'], errorCode: Errno.ENAMETOOLONG }),
  // characters, default profile
  rejected('control-character', 'a control character (0x01)', bytes(0x61, 0x01), ['name.charset', 'inv.names-valid']),
  rejected('newline', 'a newline in a name', 'line\nbreak', ['name.charset']),
  rejected('tab', 'a tab in a name', 'a\tb', ['name.charset']),
  rejected('escape-sequence', 'a terminal escape sequence', '\u001b[31mred', ['name.charset']),
  rejected('delete-character', 'DEL (0x7f)', bytes(0x61, 0x7f), ['name.charset']),
  rejected('lone-continuation-byte', 'a lone UTF-8 continuation byte', bytes(0x61, 0x80), ['name.charset']),
  rejected('byte-ff', 'the byte 0xff', bytes(0xff), ['name.charset']),
  rejected('truncated-sequence', 'a UTF-8 sequence cut short at the end', bytes(0x61, 0xc3), ['name.charset']),
  rejected('overlong-two-bytes', 'an overlong two-byte / (C0 AF)', bytes(0xc0, 0xaf), ['name.charset']),
  rejected('overlong-three-bytes', 'an overlong three-byte / (E0 80 AF)', bytes(0xe0, 0x80, 0xaf), ['name.charset']),
  rejected('overlong-four-bytes', 'an overlong four-byte / (F0 80 80 AF)', bytes(0xf0, 0x80, 0x80, 0xaf), ['name.charset']),
  rejected('surrogate', 'an encoded UTF-16 surrogate (ED A0 80)', bytes(0x61, 0xed, 0xa0, 0x80), ['name.charset']),
  rejected('above-unicode', 'a code point above U+10FFFF (F4 90 80 80)', bytes(0xf4, 0x90, 0x80, 0x80), ['name.charset']),
  rejected('emoji', 'an emoji (U+1F642)', '🙂.txt', ['name.charset']),
  rejected('right-to-left-letter', 'a Hebrew letter (RTL)', 'א', ['name.charset']),
  rejected('right-to-left-override', 'a right-to-left override (U+202E)', 'gpj.\u202eexe', ['name.charset']),
  rejected('private-use', 'a private-use code point (U+E000)', '\ue000', ['name.charset']),
  rejected('private-use-plane-15', 'a plane-15 private-use code point', '\u{f0000}', ['name.charset']),
  rejected('noncharacter', 'a noncharacter (U+FFFE)', '\ufffe', ['name.charset']),
  rejected('zero-width-joiner', 'a zero-width joiner', 'a\u200db', ['name.charset']),
  rejected('no-break-space', 'a no-break space (U+00A0)', 'a\u00a0b', ['name.charset']),
  rejected('bad-directory-character', 'a directory with a forbidden character', 'dir\u0007', ['name.charset', 'quirk.directory-name-errno'], { directory: true }),
  accepted('allowlisted-symbols', 'allowlisted symbols: ¡ £ ¥ § « » ±', '¡£¥§«»±', ['name.charset']),
  // characters, allow-all-names profile
  accepted('emoji-with-all-names', 'an emoji with all names allowed', '🙂.txt', ['name.charset'], { profile: 'allow-all-names' }),
  accepted('control-with-all-names', 'a control character with all names allowed', bytes(0x61, 0x01), ['name.charset'], { profile: 'allow-all-names' }),
  accepted('invalid-utf8-with-all-names', 'invalid UTF-8 with all names allowed', bytes(0x61, 0xff, 0xfe), ['name.charset'], { profile: 'allow-all-names' }),
  accepted('newline-with-all-names', 'a newline with all names allowed', 'line\nbreak', ['name.charset'], { profile: 'allow-all-names' }),
  rejected('empty-component-with-all-names', 'a//b stays forbidden with all names allowed', 'd//a', ['name.empty-component'], { profile: 'allow-all-names', before: D }),
];
