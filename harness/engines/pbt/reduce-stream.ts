/**
 * The last step of shrinking a failing stream, on its parts: fast-check shrinks the
 * generator's choices, but it rarely drops a part from the middle or end of a list, and
 * a part made by one generator cannot be simplified into another's. Here every part is
 * tried away in turn, then each remaining entry's payload, mode and times are tried at
 * their plainest, keeping each change under which the run still breaks the same rule.
 */
import { buildStream } from '../../../spec/builder/build-stream.js';
import { sourceBytes, withHeaderFields as withHeader, type EntryPart, type StreamPart } from '../../../spec/builder/stream-parts.js';
import { S_IFDIR, S_IFMT } from '../../../spec/constants.js';
import { streamPartsOf } from './arbitraries/stream-parts-of.js';

/** The stream still fails the same way (the judged run), or null. */
export type StillFails<R> = (stream: Uint8Array) => Promise<R | null>;

type Simplification = (entry: EntryPart) => EntryPart | null;

const headerOf = (entry: EntryPart): NonNullable<EntryPart['settings']['header']> => entry.settings.header ?? {};
const isDirectory = (entry: EntryPart): boolean => ((headerOf(entry).mode ?? 0) & S_IFMT) === S_IFDIR;

/** Each turns one field of an entry to what a plain sender writes, or gives null when it already is. */
const SIMPLIFICATIONS: readonly Simplification[] = [
  (entry) => (sourceBytes(entry.payload).length > 0 && !isDirectory(entry) ? withHeader(entry, { filelen: 0n }, new Uint8Array(0)) : null),
  (entry) => {
    const mode = headerOf(entry).mode ?? 0;
    const plain = (mode & S_IFMT) | (isDirectory(entry) ? 0o755 : 0o644);
    return mode === plain ? null : withHeader(entry, { mode: plain });
  },
  (entry) => {
    const { atime, atimeNsec, mtime, mtimeNsec } = headerOf(entry);
    return atime === 0 && atimeNsec === 0 && mtime === 0 && mtimeNsec === 0 ? null : withHeader(entry, { atime: 0, atimeNsec: 0, mtime: 0, mtimeNsec: 0 });
  },
];

/** Reduce `stream` while `stillFails` holds; returns the smallest stream, its run and the accepted steps. */
export async function reduceStream<R>(stream: Uint8Array, run: R, stillFails: StillFails<R>): Promise<{ stream: Uint8Array; run: R; steps: number }> {
  let parts: StreamPart[] = streamPartsOf(stream);
  let best = { stream, run, steps: 0 };
  const attempt = async (candidate: StreamPart[]): Promise<void> => {
    const bytes = buildStream(candidate);
    const failed = await stillFails(bytes);
    if (failed === null) return;
    parts = candidate;
    best = { stream: bytes, run: failed, steps: best.steps + 1 };
  };
  for (let i = parts.length - 1; i >= 0; i--) await attempt([...parts.slice(0, i), ...parts.slice(i + 1)]);
  for (let i = 0; i < parts.length; i++) {
    for (const simplify of SIMPLIFICATIONS) {
      const part = parts[i]!;
      const simpler = part.kind === 'entry' ? simplify(part) : null;
      if (simpler !== null) await attempt([...parts.slice(0, i), simpler, ...parts.slice(i + 1)]);
    }
  }
  return best;
}
