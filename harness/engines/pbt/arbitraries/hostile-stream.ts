/**
 * Hostile streams by grammar-aware mutation: entries whose type bits, header fields, names
 * and payloads come from boundary values and hostile dictionaries; symlink name/target
 * pairs around the `..` budget on both sides; a link and then an entry through or over it;
 * names from a small related pool so that
 * entries arrive before their directory, twice, or as a directory after a file of the
 * same name; a directory locked by its repeated header before an entry inside; then an
 * end marker or none, bytes after it, and a cut inside any part.
 */
import fc from 'fast-check';
import { buildStream } from '../../../../spec/builder/build-stream.js';
import { dir, endMarker, file, link, rawBytes, special, type EntryPart, type StreamPart } from '../../../../spec/builder/stream-parts.js';
import type { FileHeader } from '../../../../spec/codec/file-header.js';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFREG, S_IFSOCK } from '../../../../spec/constants.js';
import { concatBytes, utf8 } from '../../../../spec/byte-string.js';
import { FILELEN_BOUNDARIES, NAMELEN_BOUNDARIES, NSEC_BOUNDARIES, PERMISSION_BOUNDARIES, SECONDS_BOUNDARIES, TYPE_BITS } from './boundary-values.js';
import { SANDBOX_ALIAS } from '../../../sandbox/run-contained.js';
import { ESCAPE_NAMES, hostileNameArb, hostileTargetArb, RELATED_NAMES } from './hostile-names.js';

// Mostly sane fields, sometimes an edge: shrinking goes back to the sane ones.
const sometimes = <T>(usual: fc.Arbitrary<T>, edge: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ weight: 4, arbitrary: usual }, { weight: 1, arbitrary: edge });

const settingsArb = fc.record(
  {
    mode: sometimes(fc.constant(0o644), fc.constantFrom(...PERMISSION_BOUNDARIES)),
    atime: sometimes(fc.constant(0), fc.constantFrom(...SECONDS_BOUNDARIES)),
    atimeNsec: sometimes(fc.constant(0), fc.constantFrom(...NSEC_BOUNDARIES)),
    mtime: sometimes(fc.constant(0), fc.constantFrom(...SECONDS_BOUNDARIES)),
    mtimeNsec: sometimes(fc.constant(0), fc.constantFrom(...NSEC_BOUNDARIES)),
    nul: sometimes(fc.constant(true), fc.constant(false)),
    header: sometimes(
      fc.constant<Partial<FileHeader>>({}),
      fc.oneof(
        fc.constantFrom(...NAMELEN_BOUNDARIES).map((namelen): Partial<FileHeader> => ({ namelen })),
        fc.constantFrom(...FILELEN_BOUNDARIES).map((filelen): Partial<FileHeader> => ({ filelen })),
      ),
    ),
  },
  { requiredKeys: [] },
);

const contentArb = sometimes<string | Uint8Array>(fc.constantFrom('', 'x', 'content\n'), fc.uint8Array({ maxLength: 40 }));

/** An entry of any type with hostile fields. */
const entryArb: fc.Arbitrary<EntryPart> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(hostileNameArb, contentArb, settingsArb).map(([name, content, settings]) => file(name, content, settings)) },
  { weight: 3, arbitrary: fc.tuple(hostileNameArb, settingsArb).map(([name, settings]) => dir(name, { ...settings, mode: settings.mode ?? 0o755 })) },
  { weight: 3, arbitrary: fc.tuple(hostileNameArb, hostileTargetArb, settingsArb).map(([name, target, settings]) => link(name, target, settings)) },
  {
    weight: 1,
    arbitrary: fc
      // Mostly a plain name: a special type is the question, not the name.
      .tuple(fc.constantFrom(...TYPE_BITS.filter((bits) => bits !== S_IFREG && bits !== S_IFDIR && bits !== S_IFLNK)), sometimes(fc.constantFrom(...RELATED_NAMES).map(utf8), hostileNameArb), contentArb, settingsArb)
      .map(([typeBits, name, payload, settings]) => special(typeBits, name, payload, settings)),
  },
);

/** A symlink `name → target` at depth d whose target climbs d − 2 − 1, d − 2 or d − 2 + 1 levels, with its directories first. */
const linkPairArb: fc.Arbitrary<StreamPart[]> = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 1, -1), fc.constantFrom('x', 'b', 'a', ''), fc.boolean())
  .map(([depth, delta, rest, withDirectories]) => {
    const directories = ['a', 'a/b', 'a/b/c'].slice(0, depth - 1);
    const name = [...directories.slice(-1), 'l'].join('/');
    const climb = Math.max(0, depth - 2 + delta);
    const target = `${'../'.repeat(climb)}${rest}`;
    return [...(withDirectories ? directories.map((path) => dir(path)) : []), link(depth === 1 ? 'l' : name, target)];
  });

/**
 * Directories a link in `a/` can name: the target, the sandbox root, the observable
 * outside (relative and through the alias) and the host's /tmp.
 */
const DIRECTORY_TARGETS: readonly string[] = ['..', '../..', '../../outside', `${SANDBOX_ALIAS}/outside`, '/tmp', '.'];

/** A link, then an entry through it or over it: the walk must never follow a link (§7.1). */
const throughLinkArb: fc.Arbitrary<StreamPart[]> = fc
  .tuple(
    fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...DIRECTORY_TARGETS).map(utf8) }, { weight: 1, arbitrary: hostileTargetArb }),
    fc.constantFrom('a/l/x', 'a/l', 'a/l/x/y'),
    fc.constantFrom(S_IFREG, S_IFDIR),
    fc.boolean(),
  )
  .map(([target, path, type, repeated]) => [dir('a'), link('a/l', target), type === S_IFREG ? file(path, 'through') : dir(path, { mode: repeated ? 0o777 : 0o755 })]);

/** Entries on related names, in any order: collisions, links on the way, a file where a directory goes. */
const relatedArb: fc.Arbitrary<StreamPart> = fc
  .tuple(fc.constantFrom(...RELATED_NAMES), fc.constantFrom(S_IFREG, S_IFDIR, S_IFLNK), fc.constantFrom('b', '../b', 'x', '.'))
  .map(([name, type, target]) => (type === S_IFREG ? file(name, 'x') : type === S_IFDIR ? dir(name) : link(name, target)));

/** A plain file, directory or link whose name aims at the observable outside (§7.1's probes). */
const escapeProbeArb: fc.Arbitrary<StreamPart> = fc
  .tuple(fc.constantFrom(...ESCAPE_NAMES), fc.constantFrom(S_IFREG, S_IFDIR, S_IFLNK))
  .map(([name, type]) => (type === S_IFREG ? file(name, 'escaped') : type === S_IFDIR ? dir(name, { mode: 0o777 }) : link(name, 'x')));

/** A directory, its header again with fewer permissions, then an entry inside it (§2: the receiving user's permissions apply). */
const lockedDirectoryArb: fc.Arbitrary<StreamPart[]> = fc
  .tuple(fc.constantFrom(0o555, 0o500, 0o000, 0o444), fc.constantFrom(S_IFREG, S_IFDIR, S_IFLNK))
  .map(([mode, type]) => [dir('a'), dir('a', { mode }), type === S_IFREG ? file('a/x', 'x') : type === S_IFDIR ? dir('a/x') : link('a/x', 'y')]);

/** A plainly named entry of a type the receiver must never create (§7.2). */
const specialProbeArb: fc.Arbitrary<StreamPart> = fc
  .tuple(fc.constantFrom(S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK), fc.constantFrom('p', 'a'), fc.constantFrom('', 'x'))
  .map(([typeBits, name, payload]) => special(typeBits, name, payload));

const partArb: fc.Arbitrary<StreamPart[]> = fc.oneof(
  { weight: 5, arbitrary: entryArb.map((entry): StreamPart[] => [entry]) },
  { weight: 3, arbitrary: escapeProbeArb.map((entry): StreamPart[] => [entry]) },
  { weight: 3, arbitrary: specialProbeArb.map((entry): StreamPart[] => [entry]) },
  { weight: 3, arbitrary: relatedArb.map((part): StreamPart[] => [part]) },
  { weight: 2, arbitrary: linkPairArb },
  { weight: 2, arbitrary: throughLinkArb },
  { weight: 1, arbitrary: lockedDirectoryArb },
  { weight: 1, arbitrary: fc.constant<StreamPart[]>([endMarker()]) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes): StreamPart[] => [rawBytes(bytes)]) },
);

/** How the stream ends. */
const endingArb = fc.constantFrom<readonly StreamPart[]>([endMarker()], [], [endMarker(), rawBytes(utf8('trailing'))], [endMarker({ mode: S_IFREG | 0o644, filelen: 3n })]);

/**
 * Where to cut: a part, then a point inside it, so that cuts land inside headers, names,
 * link targets and contents alike however long the other parts are; shrinks towards no cut.
 */
const cutArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.record({ part: fc.nat(), within: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }) },
);

/** A hostile stream. */
export const hostileStreamArb: fc.Arbitrary<Uint8Array> = fc
  .record({
    // Short bodies: the first entries decide most runs, and shrinking has less to remove.
    body: fc.array(partArb, { minLength: 1, maxLength: 6 }),
    ending: endingArb,
    cut: cutArb,
  })
  .map(({ body, ending, cut }) => {
    const parts = [...body.flat(), ...ending];
    if (cut === null) return buildStream(parts);
    // A stream is its parts' bytes end to end.
    const pieces = parts.map((part) => buildStream([part]));
    const at = cut.part % pieces.length;
    const before = pieces.slice(0, at).reduce((sum, piece) => sum + piece.length, 0);
    return concatBytes(pieces).subarray(0, before + Math.floor(pieces[at]!.length * cut.within));
  });
