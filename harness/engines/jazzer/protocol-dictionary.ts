/**
 * A libFuzzer dictionary for the qfilecopy wire format.
 *
 * libFuzzer's byte mutations almost never produce a whole little-endian limit, a mode with
 * valid type bits, or an overlong `/` on their own. With a dictionary the mutator inserts
 * and overwrites such tokens whole, so inputs reach the checks at each limit (`namelen`
 * one past NAME_MAX, nanoseconds one past MAX_NSEC, a `filelen` with the sign bit set) and
 * the name validator's refusals in a few mutations instead of never.
 *
 * Every entry is computed from `spec/constants.ts` or from the hostile-name tables, so a
 * changed limit changes the dictionary. Entries are unique by their bytes; the first group
 * that yields a byte string names it.
 *
 * File format (libFuzzer's `-dict=`): `name="bytes"` per line, `#` starts a comment line;
 * inside the quotes `\xNN` stands for any byte that is not printable ASCII and for `"`
 * and `\`. Names are only labels for people; libFuzzer ignores them.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { utf8 } from '../../../spec/byte-string.js';
import {
  Errno,
  FILE_HEADER_SIZE,
  LEGAL_EOF,
  MAX_FILE_LENGTH,
  MAX_NAME_LENGTH,
  MAX_NSEC,
  MAX_PATH_BUFFER,
  NAME_MAX,
  PATH_MAX,
  PERMISSION_BITS,
  PRINTABLE_ASCII_FIRST,
  PRINTABLE_ASCII_LAST,
  RESULT_OK,
  S_IFBLK,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
  S_IFSOCK,
  SET_ID_BITS,
  UTIME_NOW,
  UTIME_OMIT,
  U32_MAX,
  U64_MAX,
} from '../../../spec/constants.js';
import { CHARSET_SAMPLES, ESCAPE_NAMES, OUTSIDE_PATHS, RELATED_NAMES, TRAVERSAL_NAMES } from '../pbt/arbitraries/hostile-names.js';

/**
 * libFuzzer parses longer entries but its mutator only keeps words of up to 64 bytes
 * (`FixedWord<64>`), so a longer one would be counted and never used.
 */
const MAX_ENTRY_LENGTH = 64;
/** Labels are cut here: they only tell a reader of the file what an entry is. */
const MAX_LABEL_LENGTH = 80;

/** The permission sets that files carry in practice; set-id variants are added from SET_ID_BITS. */
const COMMON_PERMISSIONS = [0o644, 0o755, 0o777] as const;
/** The permission set the set-id bits are combined with: an executable, like a real setuid binary. */
const EXECUTABLE_PERMISSIONS = 0o755;

const DOT = 0x2e;
const SLASH = 0x2f;
const NUL = 0x00;
/** The two printable bytes the dictionary format escapes: its quote and its escape character. */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** First high surrogate: valid UTF-16, never valid in UTF-8. */
const FIRST_SURROGATE = 0xd800;
/** RIGHT-TO-LEFT OVERRIDE, which makes a name display in another order than its bytes. */
const RIGHT_TO_LEFT_OVERRIDE = '\u202e';

interface Entry {
  readonly label: string;
  readonly bytes: Uint8Array;
}

interface Group {
  /** Why these entries are in the dictionary; becomes a comment line. */
  readonly why: string;
  readonly entries: readonly Entry[];
}

function u32le(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

function u64le(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return bytes;
}

/** A header field's width: its largest value and its little-endian encoding. */
interface FieldWidth {
  readonly prefix: string;
  readonly max: bigint;
  readonly encode: (value: bigint) => Uint8Array;
}

const U32: FieldWidth = { prefix: 'u32', max: BigInt(U32_MAX), encode: (value) => u32le(Number(value)) };
const U64: FieldWidth = { prefix: 'u64', max: U64_MAX, encode: u64le };

/**
 * Each boundary, then each boundary's neighbours: the exact values come first so that a
 * neighbour that is itself a boundary (UTIME_NOW - 1 is UTIME_OMIT) keeps the boundary's label.
 */
function boundaryEntries(width: FieldWidth, boundaries: readonly (readonly [string, bigint])[]): Entry[] {
  const exact = boundaries.map(([label, value]) => ({ label: `${width.prefix}_${label}`, bytes: width.encode(value) }));
  const neighbours: Entry[] = [];
  for (const [label, value] of boundaries) {
    if (value > 0n) neighbours.push({ label: `${width.prefix}_${label}_minus_1`, bytes: width.encode(value - 1n) });
    if (value < width.max) neighbours.push({ label: `${width.prefix}_${label}_plus_1`, bytes: width.encode(value + 1n) });
  }
  return [...exact, ...neighbours];
}

/** Limits of the 32-bit fields: `namelen`, `mode`, the four time fields, `error_code`. */
const U32_BOUNDARIES: readonly (readonly [string, bigint])[] = [
  ['zero', 0n],
  ['name_max', BigInt(NAME_MAX)],
  ['path_max', BigInt(PATH_MAX)],
  ['max_path_buffer', BigInt(MAX_PATH_BUFFER)], // minus 1 is MAX_NAME_LENGTH, the longest namelen
  ['max_nsec', BigInt(MAX_NSEC)],
  ['utime_now', BigInt(UTIME_NOW)],
  ['utime_omit', BigInt(UTIME_OMIT)],
  ['u32_max', BigInt(U32_MAX)],
];

/** Limits of the 64-bit `filelen`: a symlink's target length, 32-bit truncation, the sign bit. */
const U64_BOUNDARIES: readonly (readonly [string, bigint])[] = [
  ['zero', 0n],
  ['max_name_length', BigInt(MAX_NAME_LENGTH)],
  ['path_max', BigInt(PATH_MAX)],
  ['u32_max', BigInt(U32_MAX)],
  ['max_file_length', MAX_FILE_LENGTH], // plus 1 is 2^63, the sign bit of an off_t
  ['u64_max', U64_MAX],
];

const FILE_TYPES: readonly (readonly [string, number])[] = [
  ['reg', S_IFREG],
  ['dir', S_IFDIR],
  ['lnk', S_IFLNK],
  ['chr', S_IFCHR],
  ['blk', S_IFBLK],
  ['fifo', S_IFIFO],
  ['sock', S_IFSOCK],
  ['bad_type', S_IFMT], // all type bits: no such type
];

/** SET_ID_BITS one bit at a time (setgid, setuid), each with an executable's permissions. */
function setIdPermissions(): number[] {
  const out: number[] = [];
  for (let bit = 1; bit <= SET_ID_BITS; bit <<= 1) if (SET_ID_BITS & bit) out.push(bit | EXECUTABLE_PERMISSIONS);
  return out;
}

function modeEntries(): Entry[] {
  const permissions = [...COMMON_PERMISSIONS, ...setIdPermissions(), PERMISSION_BITS];
  return FILE_TYPES.flatMap(([type, bits]) =>
    permissions.map((permission) => ({ label: `mode_${type}_${permission.toString(8).padStart(4, '0')}`, bytes: u32le(bits | permission) })),
  );
}

function resultEntries(): Entry[] {
  return [
    { label: 'result_ok', bytes: u32le(RESULT_OK) },
    { label: 'result_legal_eof', bytes: u32le(LEGAL_EOF) },
    ...Object.entries(Errno).map(([name, value]) => ({ label: `errno_${name.toLowerCase()}`, bytes: u32le(value) })),
  ];
}

/** The two-byte overlong form of an ASCII byte: decodes to it in a lax decoder, refused by a strict one. */
function overlongUtf8(byte: number): Uint8Array {
  return Uint8Array.of(0xc0 | (byte >> 6), 0x80 | (byte & 0x3f));
}

/** The three-byte UTF-8 pattern applied to any BMP code point; TextEncoder would replace a surrogate. */
function threeByteUtf8(codePoint: number): Uint8Array {
  return Uint8Array.of(0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f));
}

function pathTokenEntries(): Entry[] {
  return [
    { label: 'dot_dot', bytes: Uint8Array.of(DOT, DOT) },
    { label: 'slash', bytes: Uint8Array.of(SLASH) },
    { label: 'dot_dot_slash', bytes: Uint8Array.of(DOT, DOT, SLASH) },
    { label: 'slash_dot_dot', bytes: Uint8Array.of(SLASH, DOT, DOT) },
    { label: 'nul', bytes: Uint8Array.of(NUL) },
    { label: 'overlong_slash', bytes: overlongUtf8(SLASH) },
    { label: 'overlong_dot', bytes: overlongUtf8(DOT) },
    { label: 'overlong_nul', bytes: overlongUtf8(NUL) },
    { label: 'lone_surrogate', bytes: threeByteUtf8(FIRST_SURROGATE) },
    { label: 'right_to_left_override', bytes: utf8(RIGHT_TO_LEFT_OVERRIDE) },
    // Half the end marker: libFuzzer would take all 32 bytes, but a short zero run also
    // zeroes a header's filelen and times in one insert, and two inserts make the marker.
    { label: 'zeros_16', bytes: new Uint8Array(FILE_HEADER_SIZE / 2) },
  ];
}

const SYMBOL_LABELS: Readonly<Record<string, string>> = { '.': 'dot', '/': 'slash', '-': 'dash', _: 'underscore' };

/** A label from a name's bytes: letter and digit runs kept, `.` and `/` spelled, other bytes as hex. */
function labelOf(prefix: string, bytes: Uint8Array): string {
  const words: string[] = [];
  let run = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9]/.test(char)) {
      run += char;
      continue;
    }
    if (run !== '') words.push(run);
    run = '';
    words.push(SYMBOL_LABELS[char] ?? `x${byte.toString(16).padStart(2, '0')}`);
  }
  if (run !== '') words.push(run);
  return [prefix, ...words].join('_').slice(0, MAX_LABEL_LENGTH).replace(/_+$/, '');
}

/** Hostile names short enough for a dictionary; the empty name is left out, libFuzzer refuses `""`. */
function hostileNameEntries(prefix: string, names: readonly Uint8Array[]): Entry[] {
  return names.filter((bytes) => bytes.length > 0 && bytes.length <= MAX_ENTRY_LENGTH).map((bytes) => ({ label: labelOf(prefix, bytes), bytes }));
}

function groups(): Group[] {
  return [
    { why: 'u32 header fields at their limits (namelen, nanoseconds, u32 max) and one either side', entries: boundaryEntries(U32, U32_BOUNDARIES) },
    { why: 'u64 filelen at its limits (symlink target length, 32-bit truncation, sign bit, u64 max) and one either side', entries: boundaryEntries(U64, U64_BOUNDARIES) },
    { why: 'mode: each file type with common, set-id and all permission bits', entries: modeEntries() },
    { why: 'result_header error codes', entries: resultEntries() },
    { why: 'path tokens, refused encodings of them, and half an end marker', entries: pathTokenEntries() },
    { why: 'hostile and related names (harness/engines/pbt/arbitraries/hostile-names.ts)', entries: hostileNameEntries('name', [...RELATED_NAMES, ...ESCAPE_NAMES, ...OUTSIDE_PATHS, ...TRAVERSAL_NAMES].map(utf8)) },
    { why: 'characters of each class the name validator treats specially', entries: hostileNameEntries('char', CHARSET_SAMPLES) },
  ];
}

/** `\xNN` for every byte a dictionary line cannot hold as itself. */
function quoted(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    const printable = byte >= PRINTABLE_ASCII_FIRST && byte <= PRINTABLE_ASCII_LAST && byte !== QUOTE && byte !== BACKSLASH;
    out += printable ? String.fromCharCode(byte) : `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `"${out}"`;
}

/** The dictionary file's text: comment lines, then one `name="bytes"` line per unique byte string. */
export function protocolDictionary(): string {
  const lines = ['# qfilecopy wire-format dictionary for libFuzzer (-dict=).', '# Generated by harness/engines/jazzer/protocol-dictionary.ts from spec/constants.ts; do not edit.'];
  const seenBytes = new Set<string>();
  const seenLabels = new Set<string>();
  for (const group of groups()) {
    lines.push('', `# ${group.why}`);
    for (const { label, bytes } of group.entries) {
      const key = Buffer.from(bytes).toString('hex');
      if (seenBytes.has(key)) continue;
      seenBytes.add(key);
      let unique = label;
      for (let n = 2; seenLabels.has(unique); n++) unique = `${label}_${n}`;
      seenLabels.add(unique);
      lines.push(`${unique}=${quoted(bytes)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Write the dictionary to `path` atomically: a temporary file in the same directory, then
 * a rename, so a fuzzer starting meanwhile reads the old file or the new one, never half.
 */
export function writeProtocolDictionary(path: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, protocolDictionary(), { flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
