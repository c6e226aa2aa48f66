/**
 * Source trees as data, for the round-trip property and for valid streams: files with
 * content, modes and nanosecond times; directories (read-only ones included) whose header
 * a sender repeats after the children; relative symlinks that stay inside their top-level
 * directory (a climb of at most depth − 2); and special files a sender must skip.
 */
import fc from 'fast-check';
import { validComponentArb } from './valid-name.js';

/** Times as a header carries them. */
export interface SourceTimes {
  readonly atime: number;
  readonly atimeNsec: number;
  readonly mtime: number;
  readonly mtimeNsec: number;
}

/** Special files a sender must skip (devices need root to create). */
export type SpecialKind = 'fifo' | 'socket' | 'char-device' | 'block-device';

/** One entry of a source tree. */
export type SourceNode =
  | { readonly kind: 'file'; readonly name: string; readonly mode: number; readonly times: SourceTimes; readonly content: Uint8Array }
  | { readonly kind: 'dir'; readonly name: string; readonly mode: number; readonly times: SourceTimes; readonly repeat: boolean; readonly children: readonly SourceNode[] }
  | { readonly kind: 'link'; readonly name: string; readonly climb: number; readonly rest: readonly string[] }
  | { readonly kind: 'special'; readonly name: string; readonly special: SpecialKind };

/** Shape of the trees. */
export interface SourceTreeShape {
  /** Deepest level (top-level entries are at depth 1). */
  readonly maxDepth?: number;
  /** Entries per directory at most. */
  readonly maxFanOut?: number;
  /** Special files to include (none by default: streams cannot carry them). */
  readonly specials?: readonly SpecialKind[];
  /** Keep the owner's read (and search) bits, for a sender that does not run as root. */
  readonly ownerCanRead?: boolean;
}

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const secondsArb = fc.oneof({ weight: 4, arbitrary: u32 }, { weight: 1, arbitrary: fc.constantFrom(0, 2 ** 31 - 1, 2 ** 31, 0xffff_ffff) });
const nsecArb = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 999_999_999 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 999_999_999) });
const timesArb: fc.Arbitrary<SourceTimes> = fc.record({ atime: secondsArb, atimeNsec: nsecArb, mtime: secondsArb, mtimeNsec: nsecArb });

const fileModeArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0o644, 0o600, 0o755, 0o444, 0o000, 0o4755, 0o2755, 0o1644, 0o7777) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 0o7777 }) });
const dirModeArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0o755, 0o700, 0o555, 0o500, 0o000, 0o1777, 0o2775, 0o711) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0o7777 }) });

// Large content is a pattern, cheap to make and to compare, that crosses 64 KiB chunks.
const contentArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 20, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 65_530, max: 200_000 }), fc.integer({ min: 0, max: 255 })).map(([length, seed]) => pattern(length, seed)) },
);

/** `length` bytes of the pattern (a plain loop: Uint8Array.from with a mapper is ten times slower). */
export function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

/** Arbitrary source trees (the top-level entries). */
export function sourceTreeArb(shape: SourceTreeShape = {}): fc.Arbitrary<SourceNode[]> {
  const maxDepth = shape.maxDepth ?? 4;
  const maxFanOut = shape.maxFanOut ?? 4;
  const specials = shape.specials ?? [];
  const readable = (arb: fc.Arbitrary<number>, bits: number): fc.Arbitrary<number> => (shape.ownerCanRead ? arb.map((mode) => mode | bits) : arb);
  const fileArb: fc.Arbitrary<SourceNode> = fc.record({ kind: fc.constant('file' as const), name: validComponentArb, mode: readable(fileModeArb, 0o400), times: timesArb, content: contentArb });
  const specialArb: fc.Arbitrary<SourceNode> | null =
    specials.length === 0 ? null : fc.record({ kind: fc.constant('special' as const), name: validComponentArb, special: fc.constantFrom(...specials) });
  const linkArb = (depth: number): fc.Arbitrary<SourceNode> =>
    fc.record({ kind: fc.constant('link' as const), name: validComponentArb, climb: fc.nat(depth - 2), rest: fc.array(validComponentArb, { minLength: 1, maxLength: 2 }) });

  // Built level by level so that a link knows its depth, hence its budget.
  const levelArb = (depth: number): fc.Arbitrary<SourceNode> => {
    const options: fc.WeightedArbitrary<SourceNode>[] = [{ weight: 4, arbitrary: fileArb }];
    if (depth >= 2) options.push({ weight: 2, arbitrary: linkArb(depth) });
    if (specialArb !== null) options.push({ weight: 1, arbitrary: specialArb });
    if (depth < maxDepth) {
      const children = fc.uniqueArray(levelArb(depth + 1), { selector: (node) => node.name, maxLength: maxFanOut });
      options.push({ weight: depth === 1 ? 4 : 2, arbitrary: fc.record({ kind: fc.constant('dir' as const), name: validComponentArb, mode: readable(dirModeArb, 0o500), times: timesArb, repeat: fc.boolean(), children }) });
    }
    return fc.oneof(...options);
  };
  return fc.uniqueArray(levelArb(1), { selector: (node) => node.name, minLength: 1, maxLength: maxFanOut });
}

/** The target of a link node. */
export function linkTarget(node: Extract<SourceNode, { kind: 'link' }>): string {
  return `${'../'.repeat(node.climb)}${node.rest.join('/')}`;
}
