/**
 * An implementation under test, as qfc runs it (INTERPRETING.md): the commands of its
 * receiver, sender and OpenInVM pair, with the arguments of each profile.
 */
import type { LimitsContract } from './limits-contract.js';

/** Receiver profiles of the catalogue (PROTOCOL §2 settings). */
export const PROFILES = ['default', 'allow-all-names', 'unsafe-symlinks'] as const;
export type Profile = (typeof PROFILES)[number];

/** A receiver program. */
export interface ReceiverProgram {
  readonly argv: readonly string[];
  /** Arguments per supported profile. */
  readonly profiles: Readonly<Partial<Record<Profile, readonly string[]>>>;
  readonly timeResolution: 'ns' | 'us';
  /** How it takes the byte and file limits (default: QFC_BYTES_LIMIT / QFC_FILES_LIMIT). */
  readonly limits?: LimitsContract;
  /** An ES module exporting the same receiver as `unpack(chunks, dir, options)` (receiver-module.ts), absolute: `qfc fuzz --engine jazzer` runs it in-process. */
  readonly module?: string;
}

/** A sender program. */
export interface SenderProgram {
  readonly argv: readonly string[];
  readonly ignoreSymlinks: readonly string[];
}

/** A qubes.OpenInVM pair. */
export interface EditorPrograms {
  readonly client: readonly string[];
  readonly server: readonly string[];
}

/** Everything qfc knows about one implementation. */
export interface Implementation {
  readonly name: string;
  readonly receiver: ReceiverProgram | null;
  readonly sender: SenderProgram | null;
  readonly openInVm: EditorPrograms | null;
  readonly timeLimitMs: number;
  /** Memory cap of each program run, MiB (INTERPRETING.md §2 Limits). */
  readonly memoryLimitMiB: number;
  /** Host paths the programs need beyond what qfc shows them (`--bind-ro`, manifest `bindRo`). */
  readonly bindRo: readonly string[];
  /** Manifest `coverage.gcov`: the build directory of a C implementation built with --coverage (absolute). */
  readonly gcovDir?: string;
}

/** Upstream-style flags, used for `--receiver CMD` and by the reference receiver. */
export const UPSTREAM_PROFILE_ARGS: Readonly<Record<Profile, readonly string[]>> = {
  default: [],
  'allow-all-names': ['--allow-all-names'],
  'unsafe-symlinks': ['--allow-unsafe-symlinks'],
};

export const DEFAULT_TIME_LIMIT_MS = 10_000;
export const DEFAULT_MEMORY_LIMIT_MIB = 512;
