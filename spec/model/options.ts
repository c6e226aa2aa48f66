/**
 * Receiver settings the model predicts under (PROTOCOL §2), with qfile-unpacker's defaults.
 */
import { ValidatorFlag } from '../constants.js';
import { SpecUsageError } from '../errors.js';

/** `'spec'`: the behaviour qfc certifies; `'upstream'`: the real C receiver, quirks included. */
export type ModelMode = 'spec' | 'upstream';

/** Options of {@link predict}; every field is optional. */
export interface ReceiverOptions {
  /** Which receiver to predict (default `'spec'`). */
  readonly mode?: ModelMode;
  /** Directories may be created (default true). */
  readonly allowDirectories?: boolean;
  /** Symlinks may be created (default true). */
  readonly allowSymlinks?: boolean;
  /** `--allow-all-names`: any non-NUL byte in names (default false). */
  readonly allowUnsafeCharacters?: boolean;
  /** Non-canonical link targets such as `a//b` (default true, as qfile-unpacker sets it). */
  readonly allowNonCanonicalSymlinks?: boolean;
  /** `--allow-unsafe-symlinks`: only a link's name is validated (default false). */
  readonly allowUnsafeSymlinks?: boolean;
  /** Byte limit, 0 for none (default 0). */
  readonly bytesLimit?: bigint | number;
  /** File limit, 0 for none (default 0). */
  readonly filesLimit?: bigint | number;
  /**
   * The receiving user bypasses permission checks (root). Default false: the real wrapper
   * drops to the user's uid, so a directory made read-only by a repeated header refuses
   * new entries with EACCES.
   */
  readonly privileged?: boolean;
  /** Upstream only: `O_TMPFILE` works on the target filesystem (default true, as observed). */
  readonly upstreamTmpfile?: boolean;
  /** Upstream only: `st_size` of a directory, added to the byte total on a repeated header (default 4096). */
  readonly directorySize?: number;
}

/** {@link ReceiverOptions} with every default filled in and limits as bigints. */
export interface ResolvedOptions {
  readonly mode: ModelMode;
  readonly allowDirectories: boolean;
  readonly allowSymlinks: boolean;
  readonly allowUnsafeCharacters: boolean;
  readonly allowNonCanonicalSymlinks: boolean;
  readonly allowUnsafeSymlinks: boolean;
  readonly bytesLimit: bigint;
  readonly filesLimit: bigint;
  readonly privileged: boolean;
  readonly upstreamTmpfile: boolean;
  readonly directorySize: number;
}

function limit(name: string, value: bigint | number | undefined): bigint {
  if (value === undefined) return 0n;
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new SpecUsageError(`${name} must be an integer`);
  const big = BigInt(value);
  if (big < 0n || big >= 2n ** 64n) throw new SpecUsageError(`${name} must be a u64, got ${value}`);
  return big;
}

/** Fill in defaults; throws {@link SpecUsageError} for an impossible setting. */
export function resolveOptions(options: ReceiverOptions = {}): ResolvedOptions {
  const mode = options.mode ?? 'spec';
  if (mode !== 'spec' && mode !== 'upstream') throw new SpecUsageError(`unknown model mode ${String(mode)}`);
  const directorySize = options.directorySize ?? 4096;
  if (!Number.isSafeInteger(directorySize) || directorySize < 0) throw new SpecUsageError('directorySize must be a non-negative integer');
  return {
    mode,
    allowDirectories: options.allowDirectories ?? true,
    allowSymlinks: options.allowSymlinks ?? true,
    allowUnsafeCharacters: options.allowUnsafeCharacters ?? false,
    allowNonCanonicalSymlinks: options.allowNonCanonicalSymlinks ?? true,
    allowUnsafeSymlinks: options.allowUnsafeSymlinks ?? false,
    bytesLimit: limit('bytesLimit', options.bytesLimit),
    filesLimit: limit('filesLimit', options.filesLimit),
    privileged: options.privileged ?? false,
    upstreamTmpfile: options.upstreamTmpfile ?? true,
    directorySize,
  };
}

/**
 * Validator flags the receiver passes for names and links: only unsafe characters,
 * non-canonical symlinks and unsafe symlinks; never non-canonical paths or trailing slashes.
 */
export function receiverValidatorFlags(options: ResolvedOptions): number {
  return (
    (options.allowUnsafeCharacters ? ValidatorFlag.UNSAFE_CHARACTERS : 0) |
    (options.allowNonCanonicalSymlinks ? ValidatorFlag.NON_CANONICAL_SYMLINKS : 0) |
    (options.allowUnsafeSymlinks ? ValidatorFlag.UNSAFE_SYMLINKS : 0)
  );
}
