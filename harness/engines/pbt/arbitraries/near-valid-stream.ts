/**
 * Near-valid streams: what a correct sender writes for a tree, with exactly one field or
 * framing step moved off a boundary (PROTOCOL §1–§3). Each mutation is a data record with
 * the clause whose edge it probes; it applies to the `at`-th entry (modulo their count).
 */
import fc from 'fast-check';
import { buildStream } from '../../../../spec/builder/build-stream.js';
import { dir, endMarker, rawBytes, sourceBytes as bytesOf, withHeaderFields as withHeader, type EntryPart, type StreamPart } from '../../../../spec/builder/stream-parts.js';
import type { ClauseId } from '../../../../spec/clauses.js';
import { MAX_FILE_LENGTH, MAX_NAME_LENGTH, MAX_NSEC, NAME_MAX, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, SET_ID_BITS } from '../../../../spec/constants.js';
import { concatBytes, utf8 } from '../../../../spec/byte-string.js';
import { sourceTreeArb, type SourceNode } from './source-tree.js';
import { treeStreamParts } from './tree-stream.js';

/** One way to move a valid stream off a boundary. */
export interface NearValidMutation {
  readonly id: string;
  readonly clause: ClauseId;
  readonly apply: (parts: readonly StreamPart[], at: number) => StreamPart[];
  /** Bytes to cut from the end of the result (a stream that ends inside its end marker). */
  readonly cutBytes?: number;
}

const wireNameLength = (entry: EntryPart): number => bytesOf(entry.name).length + (entry.settings.nul === false ? 0 : 1);

/** Replace the `at`-th entry (modulo the entry count) with `change(entry)`. */
function onEntry(change: (entry: EntryPart) => EntryPart | readonly StreamPart[], only?: (entry: EntryPart) => boolean) {
  return (parts: readonly StreamPart[], at: number): StreamPart[] => {
    const indexes = parts.flatMap((part, index) => (part.kind === 'entry' && (only === undefined || only(part)) ? [index] : []));
    if (indexes.length === 0) return [...parts];
    const index = indexes[at % indexes.length]!;
    const changed = change(parts[index] as EntryPart);
    return [...parts.slice(0, index), ...(Array.isArray(changed) ? changed : [changed as EntryPart]), ...parts.slice(index + 1)];
  };
}

const renameLast = (entry: EntryPart, length: number): EntryPart => {
  const name = bytesOf(entry.name);
  const slash = name.lastIndexOf(0x2f);
  return { ...entry, name: concatBytes([name.subarray(0, slash + 1), utf8('n'.repeat(length))]) };
};
const isFileOrLink = (entry: EntryPart): boolean => (entry.typeBits & S_IFMT) !== S_IFDIR;
const isLink = (entry: EntryPart): boolean => (entry.typeBits & S_IFMT) === S_IFLNK;
const isFile = (entry: EntryPart): boolean => (entry.typeBits & S_IFMT) === S_IFREG;
const hasPayload = (entry: EntryPart): boolean => bytesOf(entry.payload).length > 0;
const withoutEnd = (parts: readonly StreamPart[]): StreamPart[] => parts.filter((part) => part.kind !== 'end-marker');
const withName = (entry: EntryPart, suffix: string): EntryPart => ({ ...entry, name: concatBytes([bytesOf(entry.name), utf8(suffix)]) });

/** Everything up to the `at`-th matching entry, which then loses its last payload byte: the stream ends inside it. */
function endInside(only: (entry: EntryPart) => boolean) {
  return (parts: readonly StreamPart[], at: number): StreamPart[] => {
    const indexes = parts.flatMap((part, index) => (part.kind === 'entry' && only(part) ? [index] : []));
    if (indexes.length === 0) return [...parts];
    const index = indexes[at % indexes.length]!;
    const entry = parts[index] as EntryPart;
    const payload = bytesOf(entry.payload);
    // The header still announces the whole payload; one byte of it never comes.
    return [...parts.slice(0, index), withHeader(entry, { filelen: BigInt(payload.length) }, payload.subarray(0, payload.length - 1))];
  };
}

/** The mutations, benign-looking first. */
export const NEAR_VALID_MUTATIONS: readonly NearValidMutation[] = [
  { id: 'nsec-at-maximum', clause: 'file.mode-times', apply: onEntry((entry) => ({ ...entry, settings: { ...entry.settings, mtimeNsec: MAX_NSEC, atimeNsec: MAX_NSEC } })) },
  { id: 'mtime-nsec-over', clause: 'quirk.nsec-range', apply: onEntry((entry) => ({ ...entry, settings: { ...entry.settings, mtimeNsec: MAX_NSEC + 1 } })) },
  { id: 'atime-nsec-over', clause: 'quirk.nsec-range', apply: onEntry((entry) => ({ ...entry, settings: { ...entry.settings, atimeNsec: MAX_NSEC + 1 } })) },
  { id: 'set-id-bits', clause: 'quirk.no-set-id', apply: onEntry((entry) => ({ ...entry, settings: { ...entry.settings, mode: (entry.settings.mode ?? 0) | SET_ID_BITS } })) },
  { id: 'namelen-plus-one', clause: 'wire.name-c-string', apply: onEntry((entry) => withHeader(entry, { namelen: wireNameLength(entry) + 1 })) },
  { id: 'namelen-minus-one', clause: 'wire.name-c-string', apply: onEntry((entry) => withHeader(entry, { namelen: wireNameLength(entry) - 1 })) },
  { id: 'namelen-one-too-long', clause: 'name.length-limit', apply: onEntry((entry) => withHeader(entry, { namelen: MAX_NAME_LENGTH + 1 })) },
  { id: 'name-without-nul', clause: 'wire.name-c-string', apply: onEntry((entry) => ({ ...entry, settings: { ...entry.settings, nul: false } })) },
  { id: 'filelen-plus-one', clause: 'wire.file-payload', apply: onEntry((entry) => withHeader(entry, { filelen: BigInt(bytesOf(entry.payload).length + 1) }), isFileOrLink) },
  { id: 'filelen-minus-one', clause: 'wire.file-payload', apply: onEntry((entry) => withHeader(entry, { filelen: BigInt(Math.max(bytesOf(entry.payload).length - 1, 0)) }), isFileOrLink) },
  { id: 'filelen-sign-bit', clause: 'file.filelen-signed', apply: onEntry((entry) => withHeader(entry, { filelen: MAX_FILE_LENGTH + 1n }), isFileOrLink) },
  { id: 'component-at-name-max', clause: 'name.kernel-limits', apply: onEntry((entry) => renameLast(entry, NAME_MAX), isFileOrLink) },
  { id: 'component-over-name-max', clause: 'name.kernel-limits', apply: onEntry((entry) => renameLast(entry, NAME_MAX + 1), isFileOrLink) },
  { id: 'link-climbs-one-more', clause: 'link.escape-depth', apply: onEntry((entry) => ({ ...entry, payload: concatBytes([utf8('../'), bytesOf(entry.payload)]) }), isLink) },
  { id: 'type-fifo', clause: 'type.forbidden', apply: onEntry((entry) => ({ ...entry, typeBits: S_IFIFO })) },
  { id: 'type-none', clause: 'type.forbidden', apply: onEntry((entry) => ({ ...entry, typeBits: 0 })) },
  { id: 'entry-twice', clause: 'file.exclusive', apply: onEntry((entry) => [entry, entry]) },
  { id: 'file-content-cut', clause: 'file.truncated-content', apply: endInside((entry) => isFile(entry) && hasPayload(entry)) },
  { id: 'link-target-cut', clause: 'link.truncated-target', apply: endInside((entry) => isLink(entry) && hasPayload(entry)) },
  { id: 'link-target-over-limit', clause: 'link.target-length', apply: onEntry((entry) => ({ ...entry, payload: utf8('t'.repeat(MAX_NAME_LENGTH)) }), isLink) },
  { id: 'name-empty-component', clause: 'name.empty-component', apply: onEntry((entry) => withName(entry, '//x')) },
  { id: 'name-dot-component', clause: 'name.dot-component', apply: onEntry((entry) => withName(entry, '/./x')) },
  { id: 'name-trailing-slash', clause: 'name.trailing-slash', apply: onEntry((entry) => withName(entry, '/')) },
  { id: 'link-target-absolute', clause: 'link.absolute-target', apply: onEntry((entry) => ({ ...entry, payload: concatBytes([utf8('/'), bytesOf(entry.payload)]) }), isLink) },
  { id: 'directory-over-file', clause: 'dir.repeat-not-directory', apply: onEntry((entry) => [entry, dir(entry.name)], isFileOrLink) },
  { id: 'end-marker-fields-set', clause: 'wire.end-marker', apply: (parts) => [...withoutEnd(parts), endMarker({ mode: 0o100644, filelen: 7n, mtime: 1 })] },
  { id: 'end-marker-missing', clause: 'recv.missing-end-marker', apply: (parts) => withoutEnd(parts) },
  { id: 'end-marker-cut', clause: 'recv.missing-end-marker', apply: (parts) => [...parts], cutBytes: 1 },
  { id: 'byte-after-end-marker', clause: 'wire.end-marker', apply: (parts) => [...parts, rawBytes(Uint8Array.of(0))] },
];

/** A near-valid stream and how it was made. */
export interface NearValidStream {
  readonly stream: Uint8Array;
  readonly mutation: string;
}

/** Near-valid streams from trees without special files. */
export function nearValidStreamArb(): fc.Arbitrary<NearValidStream> {
  return fc.tuple(sourceTreeArb(), fc.constantFrom(...NEAR_VALID_MUTATIONS), fc.nat()).map(([tree, mutation, at]: [SourceNode[], NearValidMutation, number]) => {
    const stream = buildStream(mutation.apply(treeStreamParts(tree), at));
    return { stream: stream.subarray(0, stream.length - (mutation.cutBytes ?? 0)), mutation: mutation.id };
  });
}
