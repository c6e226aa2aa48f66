/**
 * fast-check arbitraries shared by the spec's property tests.
 */
import fc from 'fast-check';
import { buildStream } from '../../spec/builder/build-stream.js';
import { dir, endMarker, file, link, rawBytes, special, type StreamPart } from '../../spec/builder/stream-parts.js';
import type { FileHeader } from '../../spec/codec/file-header.js';
import { ALLOWLIST_RANGES } from '../../spec/validator/allowlist.js';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });

/** Any header the wire can carry. */
export const fileHeaderArb: fc.Arbitrary<FileHeader> = fc.record({
  namelen: u32,
  mode: u32,
  filelen: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  atime: u32,
  atimeNsec: u32,
  mtime: u32,
  mtimeNsec: u32,
});

/** A code point of upstream's allowlist outside ASCII. */
export const allowedNonAsciiArb: fc.Arbitrary<string> = fc
  .constantFrom(...ALLOWLIST_RANGES.filter(([, last]) => last > 0x7f))
  .chain(([first, last]) => fc.integer({ min: Math.max(first, 0x80), max: last }))
  .map((codePoint) => String.fromCodePoint(codePoint));

/** Printable ASCII without `/`. */
export const safeAsciiArb: fc.Arbitrary<string> = fc
  .integer({ min: 0x20, max: 0x7e })
  .filter((byte) => byte !== 0x2f)
  .map((byte) => String.fromCharCode(byte));

/** One valid name component: allowed characters, never `.` or `..`, at most 255 bytes. */
export const componentArb: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 4, arbitrary: safeAsciiArb }, { weight: 1, arbitrary: allowedNonAsciiArb }), {
    minLength: 1,
    maxLength: 12,
  })
  .map((chars) => chars.join(''))
  .filter((name) => name !== '.' && name !== '..');

/** Arbitrary bytes biased towards the bytes that matter to the path grammar. */
export const pathBytesArb: fc.Arbitrary<Uint8Array> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(0x2f, 0x2e, 0x61, 0x62) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
    ),
    { maxLength: 24 },
  )
  .map((bytes) => Uint8Array.from(bytes));

/** Paths made of grammar-relevant components (`..`, `.`, empty, names), often valid. */
export const structuredPathArb: fc.Arbitrary<Uint8Array> = fc
  .array(fc.constantFrom('a', 'b', '..', '.', '', 'c'), { minLength: 1, maxLength: 6 })
  .map((parts) => new TextEncoder().encode(parts.join('/')));

/** Names that relate to each other, so streams reach parents, collisions and links. */
const relatedNameArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'a/b', 'a/b/c', 'a/l', 'a/l/x', 'a/b/l', '../x', '/x', 'a//b', '.', '', 'a/') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
const targetArb = fc.oneof(
  fc.constantFrom('x', '../x', '../../x', '/etc', 'b', 'a//b', '', '..', 'l/x'),
  fc.string({ maxLength: 8 }),
);
const nsecArb = fc.oneof(fc.constantFrom(0, 999_999_999, 1_000_000_000), fc.integer({ min: 0, max: 0xffff_ffff }));
const settingsArb = fc.record({
  mode: fc.oneof(fc.constantFrom(0o644, 0o755, 0o555, 0o000, 0o6755, 0o1777, 0o300), fc.integer({ min: 0, max: 0o7777 })),
  atimeNsec: nsecArb,
  mtimeNsec: nsecArb,
});

/** Streams that mix well-formed entries with hostile bytes. */
export const hostilePartArb: fc.Arbitrary<StreamPart> = fc.oneof(
  fc.tuple(relatedNameArb, fc.string({ maxLength: 40 }), settingsArb).map(([name, content, settings]) => file(name, content, settings)),
  fc.tuple(relatedNameArb, settingsArb).map(([name, settings]) => dir(name, settings)),
  fc.tuple(relatedNameArb, targetArb).map(([name, target]) => link(name, target)),
  fc.tuple(fc.integer({ min: 0, max: 0xffff_ffff }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })).map(([mode, filelen]) =>
    special(0, 'x', '', { header: { mode, filelen } }),
  ),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => rawBytes(bytes)),
  fc.constant(endMarker()),
);
/** Arbitrary bytes, or parts with hostile headers cut anywhere. */
export const hostileStreamArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.tuple(fc.array(hostilePartArb, { maxLength: 8 }), fc.nat(600)).map(([parts, cut]) => {
    const bytes = buildStream(parts);
    return bytes.subarray(0, Math.min(cut, bytes.length));
  }),
);
