/**
 * What the model predicts a receiver does with a stream.
 */
import type { ClauseId } from '../clauses.js';
import type { QuirkId } from './positions.js';

/** Types of entry a receiver may leave behind. */
export type TreeEntryType = 'file' | 'directory' | 'symlink';

/** One entry the receiver leaves in its target directory. */
export interface TreeEntry {
  /** Path key (see path-key) relative to the target directory. */
  readonly path: string;
  readonly type: TreeEntryType;
  /** Full `st_mode`: type bits and permission bits. */
  readonly mode: number;
  /** File: content length; symlink: target length; directory: null (it depends on the filesystem). */
  readonly size: number | null;
  /** SHA-256 (hex) of a file's content; null for other types. */
  readonly digest: string | null;
  /** Path key of a symlink's target; null for other types. */
  readonly target: string | null;
  /** Access time in nanoseconds since the epoch; null when the receiver's clock set it, not the stream. */
  readonly atimeNs: bigint | null;
  /**
   * Modification time in nanoseconds since the epoch; null when the receiver's clock set it
   * (a new directory, or a directory that got a new entry after its times were applied).
   */
  readonly mtimeNs: bigint | null;
}

/** Where in an entry (or the stream) the outcome was decided. */
export type StopPhase = 'header' | 'name' | 'payload' | 'end';

/** The result header a receiver sends. */
export interface PredictedResult {
  /** False when the receiver exits without a result header (upstream quirk 2 only). */
  readonly sent: boolean;
  /** Result code as the u32 on the wire. */
  readonly errorCode: number;
  /** CRC-32 of the `bytesConsumed` prefix. */
  readonly crc32: number;
  /** Last processed name (extension); null when no extension is sent. */
  readonly lastName: Uint8Array | null;
}

/** The model's whole prediction. */
export interface Prediction {
  readonly result: PredictedResult;
  /** Exit status of the receiver process. */
  readonly exitStatus: number;
  /** Length of the stream prefix the receiver consumed successfully (what the CRC covers). */
  readonly bytesConsumed: number;
  /** Every entry left in the target directory, sorted by path bytes. */
  readonly tree: readonly TreeEntry[];
  /** Where the outcome was decided. */
  readonly phase: StopPhase;
  /** The clause that decided the outcome. */
  readonly clause: ClauseId;
  /** Upstream quirks this prediction shows (only in `'upstream'` mode). */
  readonly quirks: readonly QuirkId[];
  /**
   * Every clause the run put to work, sorted: the rules that decided something (the
   * deciding clause, the path or link rule behind a refused name), the rules whose effect
   * was applied to a received entry (a directory created 0700, a mode and times set), and
   * the invariants of §7 the input challenged (see invariant-triggers). The fuzz engine
   * counts them to show which rules its generators never reach.
   */
  readonly exercised: readonly ClauseId[];
}
