/**
 * A snapshot of a sandbox root: plain data, taken by the harness with an lstat walk
 * before and after a receiver runs, and compared by {@link checkInvariants}.
 */

/** Every file type lstat can report. */
export type SnapshotEntryType =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'fifo'
  | 'socket'
  | 'char-device'
  | 'block-device'
  | 'unknown';

/** One entry as lstat saw it. */
export interface SnapshotEntry {
  readonly type: SnapshotEntryType;
  /** Full `st_mode`. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly nlink: number;
  /** SHA-256 (hex) of a regular file's content; null for other types (or unreadable files). */
  readonly digest: string | null;
  /** Path key of a symlink's target; null for other types. */
  readonly linkTarget: string | null;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
}

/**
 * Entries by path key relative to the sandbox root, e.g. `target`, `target/a/b`,
 * `outside/sentinel`; the root itself is listed under {@link ROOT_KEY} when the taker
 * includes it (a name of `..` reaches it from the target).
 */
export type Snapshot = Readonly<Record<string, SnapshotEntry>>;

/** The key of the sandbox root itself: no entry below the root can be called `.`. */
export const ROOT_KEY = '.';

/** What the checks need to know about the run. */
export interface InvariantContext {
  /** Path key of the target directory inside the sandbox root (e.g. `target`). */
  readonly targetPath: string;
  /** The receiving user and group: owners of everything created. */
  readonly uid: number;
  readonly gid: number;
  /** Validator flags the receiver ran with (see receiverValidatorFlags). */
  readonly validatorFlags: number;
  /** Byte and file limits of the run; 0 for none. */
  readonly bytesLimit: bigint;
  readonly filesLimit: bigint;
}

/** One broken invariant. */
export interface Violation {
  /** The clause of PROTOCOL §7 that is broken. */
  readonly clause:
    | 'inv.no-escape'
    | 'inv.no-special-files'
    | 'inv.no-hard-links'
    | 'inv.owner'
    | 'inv.symlink-contained'
    | 'inv.limits'
    | 'inv.names-valid';
  /** Path key relative to the sandbox root ('' when the violation is about the whole target). */
  readonly path: string;
  /** What is wrong, for a person. */
  readonly detail: string;
}
