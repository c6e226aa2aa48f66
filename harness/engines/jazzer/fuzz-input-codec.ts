/**
 * The Jazzer.js engine's input grammar: how libFuzzer's bytes become a campaign input (a
 * stream with receiver settings, or a source tree for a round trip), so that its byte
 * mutations land on protocol structure — a flipped byte changes a header field, a name, a
 * payload length, the order of entries or where a cut falls — rather than on bytes the
 * receiver throws away after the first header.
 *
 * Structured layout (every read past the end gives zeros, so any byte string decodes):
 *
 *   settings byte  bits 0-1 profile (with --profile: ignored), bit 2 a files limit (u8
 *                  follows), bit 3 a bytes limit (u64 LE follows), bit 4 a source tree
 *                  instead of a stream (when the shape has both), bit 5 ignore symlinks
 *   stream parts   a tag byte each (tag % 8):
 *     0 file, 1 directory, 2 symlink, 3 other type (type nibble byte follows):
 *        flags byte  bit 0 no NUL after the name, bit 1 mode (u16), bit 2 times (4 × u32),
 *                    bit 3 name from the hostile-name table (index byte) instead of literal
 *                    (u16 length + bytes), bit 4 payload (u32 length + bytes), bit 5 a
 *                    lying namelen (u32), bit 6 a lying filelen (u64), bit 7 the payload
 *                    (a link's target) from the hostile-name table (index byte) instead
 *     4 end marker (flags byte: bit 0 its ignored fields follow, 28 bytes)
 *     5 raw bytes (u32 length + bytes)
 *     6 an entry framed by its own header: 32 header bytes, then the name field and the
 *       payload as long as the header says (what the input has of them)
 *     7 a cut: the stream ends here, minus (u8 % 33) bytes — a header or name cut short
 *   tree nodes     a tag byte each (tag % 5): 0 file, 1 directory (its children follow
 *                  until a 4), 2 symlink, 3 special file, 4 end of directory; see decodeTree
 *
 * Raw mode: the whole input is the stream, under the default (or --profile) settings.
 * `encodeStreamInput` writes any stream in the structured layout (the seed corpus), and
 * decoding it gives the same stream back; `encodeTreeInput` writes any tree decoding gave
 * (or a part of one: a reduced finding) so that it decodes to the same tree.
 */
import { buildStream } from '../../../spec/builder/build-stream.js';
import { endMarker, rawBytes, type EntryPart, type StreamPart } from '../../../spec/builder/stream-parts.js';
import { concatBytes, utf8 } from '../../../spec/byte-string.js';
import { decodeFileHeader, encodeFileHeader, type FileHeader } from '../../../spec/codec/file-header.js';
import { FILE_HEADER_SIZE, PERMISSION_BITS, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../../../spec/constants.js';
import { PROFILES, type Profile } from '../../adapters/implementation.js';
import type { FuzzInput, FuzzInputShape } from '../pbt/arbitraries/fuzz-input.js';
import { CHARSET_SAMPLES, ESCAPE_NAMES, RELATED_NAMES, TRAVERSAL_NAMES } from '../pbt/arbitraries/hostile-names.js';
import type { ReceiverSettings } from '../pbt/arbitraries/receiver-settings.js';
import { streamPartsOf } from '../pbt/arbitraries/stream-parts-of.js';
// Large contents are the tree arbitrary's pattern across 64 KiB chunks.
import { pattern, type SourceNode, type SourceTimes } from '../pbt/arbitraries/source-tree.js';

/** How an input's bytes are read. */
export type InputMode = 'structured' | 'raw';

const SETTINGS_PROFILE = 0b11;
const SETTINGS_FILES_LIMIT = 1 << 2;
const SETTINGS_BYTES_LIMIT = 1 << 3;
const SETTINGS_TREE = 1 << 4;
const SETTINGS_IGNORE_SYMLINKS = 1 << 5;

const ENTRY_NO_NUL = 1 << 0;
const ENTRY_MODE = 1 << 1;
const ENTRY_TIMES = 1 << 2;
const ENTRY_NAME_TABLE = 1 << 3;
const ENTRY_PAYLOAD = 1 << 4;
const ENTRY_NAMELEN = 1 << 5;
const ENTRY_FILELEN = 1 << 6;
const ENTRY_PAYLOAD_TABLE = 1 << 7;

const TAG_FILE = 0;
const TAG_DIR = 1;
const TAG_LINK = 2;
const TAG_OTHER = 3;
const TAG_END = 4;
const TAG_RAW = 5;
const TAG_FRAMED = 6;
const TAG_CUT = 7;
const STREAM_TAGS = 8;

const TREE_FILE = 0;
const TREE_DIR = 1;
const TREE_LINK = 2;
const TREE_SPECIAL = 3;
const TREE_END = 4;
const TREE_TAGS = 5;

/** Bounds on a decoded tree, so that one input stays one quick round trip. */
const TREE_MAX_DEPTH = 4;
const TREE_MAX_FAN_OUT = 8;
const TREE_MAX_NODES = 48;
const MAX_CUT_BACK = 32;
const NSEC_PER_SECOND = 1_000_000_000;

/** Names a one-byte index reaches: the related, escaping and traversal forms, and each refused character class. */
export const NAME_TABLE: readonly Uint8Array[] = [...RELATED_NAMES, ...ESCAPE_NAMES, ...TRAVERSAL_NAMES].map((name) => utf8(name)).concat(CHARSET_SAMPLES);

const DEFAULT_PERMISSIONS: Readonly<Record<number, number>> = { [TAG_FILE]: 0o644, [TAG_DIR]: 0o755, [TAG_LINK]: 0o777, [TAG_OTHER]: 0o644 };
const TYPE_OF_TAG: Readonly<Record<number, number>> = { [TAG_FILE]: S_IFREG, [TAG_DIR]: S_IFDIR, [TAG_LINK]: S_IFLNK };

/** Reads fields from the input; past its end every field is zero and every byte run empty. */
class FieldReader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  u8(): number {
    return this.at < this.bytes.length ? this.bytes[this.at++]! : (this.at++, 0);
  }

  u16(): number {
    return this.u8() | (this.u8() << 8);
  }

  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }

  u64(): bigint {
    const low = BigInt(this.u32());
    return low | (BigInt(this.u32()) << 32n);
  }

  /** Up to `length` bytes: what the input still has of them. */
  take(length: number): Uint8Array {
    const start = Math.min(this.at, this.bytes.length);
    const end = Math.min(this.bytes.length, start + length);
    this.at = Math.max(this.at, end);
    return this.bytes.slice(start, end);
  }
}

function profileOf(bits: number, fixed: Profile | null): Profile {
  return fixed ?? PROFILES[(bits & SETTINGS_PROFILE) % PROFILES.length]!;
}

function readSettings(reader: FieldReader, bits: number, fixed: Profile | null): ReceiverSettings {
  const profile = profileOf(bits, fixed);
  // A limit of 0 means none to the receivers: a present limit is at least 1.
  const files = bits & SETTINGS_FILES_LIMIT ? BigInt(Math.max(1, reader.u8())) : undefined;
  const rawBytesLimit = bits & SETTINGS_BYTES_LIMIT ? reader.u64() : undefined;
  const bytes = rawBytesLimit === undefined ? undefined : rawBytesLimit === 0n ? 1n : rawBytesLimit;
  return { profile, limits: { ...(files === undefined ? {} : { files }), ...(bytes === undefined ? {} : { bytes }) } };
}

function readEntry(reader: FieldReader, tag: number): EntryPart {
  const typeBits = tag === TAG_OTHER ? (reader.u8() & 0xf) << 12 : TYPE_OF_TAG[tag]!;
  const flags = reader.u8();
  const mode = flags & ENTRY_MODE ? reader.u16() & PERMISSION_BITS : DEFAULT_PERMISSIONS[tag]!;
  const times = flags & ENTRY_TIMES ? { atime: reader.u32(), atimeNsec: reader.u32(), mtime: reader.u32(), mtimeNsec: reader.u32() } : {};
  const name = flags & ENTRY_NAME_TABLE ? NAME_TABLE[reader.u8() % NAME_TABLE.length]! : reader.take(reader.u16());
  const payload = flags & ENTRY_PAYLOAD_TABLE ? NAME_TABLE[reader.u8() % NAME_TABLE.length]! : flags & ENTRY_PAYLOAD ? reader.take(reader.u32()) : new Uint8Array(0);
  const header: Partial<FileHeader> = {
    ...(flags & ENTRY_NAMELEN ? { namelen: reader.u32() } : {}),
    ...(flags & ENTRY_FILELEN ? { filelen: reader.u64() } : {}),
  };
  return { kind: 'entry', typeBits, name, payload, settings: { mode, ...times, nul: (flags & ENTRY_NO_NUL) === 0, header } };
}

/** An entry with a header the input gives whole, then its name field and payload each with its own length (the header may lie about both). */
function readFramed(reader: FieldReader): EntryPart {
  const headerBytes = concatBytes([reader.take(FILE_HEADER_SIZE), new Uint8Array(FILE_HEADER_SIZE)]).subarray(0, FILE_HEADER_SIZE);
  const decoded = decodeFileHeader(headerBytes);
  if (!decoded.ok) throw new Error('a 32-byte header always decodes');
  const header = decoded.value;
  const name = reader.take(reader.u32());
  const payload = reader.take(reader.u32());
  return { kind: 'entry', typeBits: header.mode & S_IFMT, name, payload, settings: { nul: false, header } };
}

function readEndMarker(reader: FieldReader): StreamPart {
  if ((reader.u8() & 1) === 0) return endMarker();
  const fields = reader.take(FILE_HEADER_SIZE - 4);
  const decoded = decodeFileHeader(concatBytes([new Uint8Array(4), fields, new Uint8Array(FILE_HEADER_SIZE)]).subarray(0, FILE_HEADER_SIZE));
  if (!decoded.ok) throw new Error('a 32-byte header always decodes');
  const { namelen: _zero, ...header } = decoded.value;
  return endMarker(header);
}

/** The stream the parts of `reader` make. */
function decodeStream(reader: FieldReader): Uint8Array {
  const parts: StreamPart[] = [];
  while (!reader.done) {
    const tag = reader.u8() % STREAM_TAGS;
    if (tag === TAG_CUT) {
      const back = reader.u8() % (MAX_CUT_BACK + 1);
      const stream = buildStream(parts);
      return stream.subarray(0, Math.max(0, stream.length - back));
    }
    if (tag === TAG_END) parts.push(readEndMarker(reader));
    else if (tag === TAG_RAW) parts.push(rawBytes(reader.take(reader.u32())));
    else if (tag === TAG_FRAMED) parts.push(readFramed(reader));
    else parts.push(readEntry(reader, tag));
  }
  return buildStream(parts);
}

/** A component the sender's filesystem takes: letters, digits and a few marks, never `.` or `..`. */
const NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789-_.~+ABCXYZ';

function readComponent(reader: FieldReader): string {
  const length = 1 + (reader.u8() % 12);
  let name = '';
  for (const byte of reader.take(length)) name += NAME_ALPHABET[byte % NAME_ALPHABET.length];
  if (name === '' || name === '.' || name === '..') name = `n${name}`;
  return name;
}

function readTimes(reader: FieldReader): SourceTimes {
  return { atime: reader.u32(), atimeNsec: reader.u32() % NSEC_PER_SECOND, mtime: reader.u32(), mtimeNsec: reader.u32() % NSEC_PER_SECOND };
}

/**
 * A source tree within the bounds the tree arbitrary keeps (depth 4, fan-out, no top-level
 * link, links climbing no higher than their depth allows, read bits for a sender that is
 * not root); a sibling's name taken twice drops the later node.
 */
function decodeTree(reader: FieldReader, shape: FuzzInputShape): SourceNode[] {
  let nodes = 0;
  const level = (depth: number): SourceNode[] => {
    const children: SourceNode[] = [];
    const names = new Set<string>();
    while (!reader.done && nodes < TREE_MAX_NODES) {
      const tag = reader.u8() % TREE_TAGS;
      if (tag === TREE_END) {
        if (depth > 1) break;
        continue;
      }
      const name = readComponent(reader);
      let node: SourceNode | null = null;
      if (tag === TREE_FILE) {
        const mode = (reader.u16() & PERMISSION_BITS) | (shape.ownerCanRead ? 0o400 : 0);
        const times = readTimes(reader);
        const size = reader.u16();
        const content = size >= 0xff00 ? pattern(65_530 + (size & 0xff) * 512, reader.u8()) : reader.take(size & 0xff);
        node = { kind: 'file', name, mode, times, content };
      } else if (tag === TREE_DIR) {
        const mode = (reader.u16() & PERMISSION_BITS) | (shape.ownerCanRead ? 0o500 : 0);
        const times = readTimes(reader);
        const repeat = (reader.u8() & 1) === 1;
        nodes += 1;
        const inner = depth < TREE_MAX_DEPTH ? level(depth + 1) : [];
        node = { kind: 'dir', name, mode, times, repeat, children: inner };
      } else if (tag === TREE_LINK) {
        const climb = reader.u8();
        const rest = [readComponent(reader), ...(reader.u8() & 1 ? [readComponent(reader)] : [])];
        if (depth >= 2) node = { kind: 'link', name, climb: climb % (depth - 1), rest };
      } else if (shape.specials.length > 0) {
        node = { kind: 'special', name, special: shape.specials[reader.u8() % shape.specials.length]! };
      }
      if (node === null || names.has(name) || children.length >= TREE_MAX_FAN_OUT) continue;
      if (node.kind !== 'dir') nodes += 1;
      names.add(name);
      children.push(node);
    }
    return children;
  };
  const tree = level(1);
  return tree.length > 0 ? tree : [{ kind: 'file', name: 'a', mode: 0o644, times: { atime: 0, atimeNsec: 0, mtime: 0, mtimeNsec: 0 }, content: new Uint8Array(0) }];
}

/** The campaign input `bytes` stand for under `shape`; any byte string gives one. */
export function decodeFuzzInput(bytes: Uint8Array, shape: FuzzInputShape, mode: InputMode): FuzzInput {
  if (mode === 'raw' || !shape.receiverStreams) {
    if (mode === 'raw' && shape.receiverStreams) return { kind: 'stream', family: 'hostile', stream: bytes.slice(), settings: { profile: shape.profile ?? 'default', limits: {} } };
    // A sender alone is only ever given trees.
    const reader = new FieldReader(bytes);
    const bits = reader.u8();
    return { kind: 'tree', tree: decodeTree(reader, shape), ignoreSymlinks: (bits & SETTINGS_IGNORE_SYMLINKS) !== 0 };
  }
  const reader = new FieldReader(bytes);
  const bits = reader.u8();
  if (bits & SETTINGS_TREE && shape.roundTrips) return { kind: 'tree', tree: decodeTree(reader, shape), ignoreSymlinks: (bits & SETTINGS_IGNORE_SYMLINKS) !== 0 };
  const settings = readSettings(reader, bits, shape.profile);
  return { kind: 'stream', family: 'hostile', stream: decodeStream(reader), settings };
}

const u16Bytes = (value: number): number[] => [value & 0xff, (value >>> 8) & 0xff];
const u32Bytes = (value: number): number[] => [...u16Bytes(value & 0xffff), ...u16Bytes(value >>> 16)];
const u64Bytes = (value: bigint): number[] => [...u32Bytes(Number(value & 0xffff_ffffn)), ...u32Bytes(Number((value >> 32n) & 0xffff_ffffn))];

/** An entry whose header is what its parts compute, in the readable form; any other framed by its header. */
function encodeEntry(part: EntryPart): Uint8Array {
  const header = part.settings.header as FileHeader;
  const field = part.name as Uint8Array;
  const payload = part.payload as Uint8Array;
  const type = header.mode & S_IFMT;
  const tag = type === S_IFREG ? TAG_FILE : type === S_IFDIR ? TAG_DIR : type === S_IFLNK ? TAG_LINK : TAG_OTHER;
  const plain = header.namelen === field.length && header.filelen === BigInt(payload.length) && field.length <= 0xffff && header.mode === (type | (header.mode & PERMISSION_BITS));
  if (!plain) return concatBytes([Uint8Array.of(TAG_FRAMED), encodeFileHeader(header), Uint8Array.from(u32Bytes(field.length)), field, Uint8Array.from(u32Bytes(payload.length)), payload]);
  const withNul = field.length > 0 && field[field.length - 1] === 0;
  const name = withNul ? field.subarray(0, field.length - 1) : field;
  const flags = ENTRY_MODE | ENTRY_TIMES | (withNul ? 0 : ENTRY_NO_NUL) | (payload.length > 0 ? ENTRY_PAYLOAD : 0);
  return concatBytes([
    Uint8Array.from([tag, ...(tag === TAG_OTHER ? [type >>> 12] : []), flags, ...u16Bytes(header.mode & PERMISSION_BITS)]),
    Uint8Array.from([...u32Bytes(header.atime), ...u32Bytes(header.atimeNsec), ...u32Bytes(header.mtime), ...u32Bytes(header.mtimeNsec)]),
    Uint8Array.from(u16Bytes(name.length)),
    name,
    payload.length > 0 ? Uint8Array.from(u32Bytes(payload.length)) : new Uint8Array(0),
    payload,
  ]);
}

function encodePart(part: StreamPart): Uint8Array {
  if (part.kind === 'entry') return encodeEntry(part);
  if (part.kind === 'raw') {
    const bytes = part.bytes as Uint8Array;
    return concatBytes([Uint8Array.from([TAG_RAW, ...u32Bytes(bytes.length)]), bytes]);
  }
  const header = encodeFileHeader({ mode: 0, filelen: 0n, atime: 0, atimeNsec: 0, mtime: 0, mtimeNsec: 0, ...part.header, namelen: 0 });
  const plain = header.every((byte) => byte === 0);
  return plain ? Uint8Array.of(TAG_END, 0) : concatBytes([Uint8Array.of(TAG_END, 1), header.subarray(4)]);
}

/** `stream` under `settings` in the structured layout: decoding it gives the same stream and settings (the profile unless --profile fixes it). */
export function encodeStreamInput(stream: Uint8Array, settings: ReceiverSettings): Uint8Array {
  const { files, bytes } = settings.limits;
  // Limits a byte or a u64 cannot carry (0, or past 255 files) are left out: the seed still carries the stream.
  const filesFits = files !== undefined && files >= 1n && files <= 255n;
  const bytesFits = bytes !== undefined && bytes >= 1n && bytes < 2n ** 64n;
  const bits = PROFILES.indexOf(settings.profile) | (filesFits ? SETTINGS_FILES_LIMIT : 0) | (bytesFits ? SETTINGS_BYTES_LIMIT : 0);
  const head = Uint8Array.from([bits, ...(filesFits ? [Number(files)] : []), ...(bytesFits ? u64Bytes(bytes!) : [])]);
  return concatBytes([head, ...streamPartsOf(stream).map(encodePart)]);
}

/** A component of the decoder's alphabet, written back as the bytes it was read from. */
function componentBytes(name: string): number[] {
  const indices = [...name].map((character) => NAME_ALPHABET.indexOf(character));
  if (indices.length < 1 || indices.length > 12 || indices.some((index) => index < 0)) throw new RangeError(`'${name}' is not a name decodeTree makes`);
  return [indices.length - 1, ...indices];
}

const timesBytes = (times: SourceTimes): number[] => [...u32Bytes(times.atime), ...u32Bytes(times.atimeNsec), ...u32Bytes(times.mtime), ...u32Bytes(times.mtimeNsec)];

function encodeNodes(nodes: readonly SourceNode[], shape: FuzzInputShape, depth: number): number[] {
  return nodes.flatMap((node): number[] => {
    const name = componentBytes(node.name);
    if (node.kind === 'file') {
      const { content } = node;
      // Contents decodeTree makes: up to 255 literal bytes, or the pattern of 65,530 + k × 512 bytes.
      const size = content.length <= 0xff ? [...u16Bytes(content.length), ...content] : [...u16Bytes(0xff00 | ((content.length - 65_530) / 512)), content[0]!];
      return [TREE_FILE, ...name, ...u16Bytes(node.mode), ...timesBytes(node.times), ...size];
    }
    // The decoder reads no children (nor their end) below its deepest level.
    if (node.kind === 'dir') return [TREE_DIR, ...name, ...u16Bytes(node.mode), ...timesBytes(node.times), node.repeat ? 1 : 0, ...(depth < TREE_MAX_DEPTH ? [...encodeNodes(node.children, shape, depth + 1), TREE_END] : [])];
    if (node.kind === 'link') return [TREE_LINK, ...name, node.climb, ...componentBytes(node.rest[0]!), node.rest.length > 1 ? 1 : 0, ...(node.rest.length > 1 ? componentBytes(node.rest[1]!) : [])];
    return [TREE_SPECIAL, ...name, shape.specials.indexOf(node.special)];
  });
}

/** `tree` in the structured layout (a tree decodeTree gave, or part of one): decoding it under `shape` gives the same tree. */
export function encodeTreeInput(tree: readonly SourceNode[], ignoreSymlinks: boolean, shape: FuzzInputShape): Uint8Array {
  return Uint8Array.from([SETTINGS_TREE | (ignoreSymlinks ? SETTINGS_IGNORE_SYMLINKS : 0), ...encodeNodes(tree, shape, 1)]);
}
