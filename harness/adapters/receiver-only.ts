/**
 * An implementation that is a receiver program alone, with the upstream profile arguments
 * and the default limits: what `--receiver CMD` makes, for the benchmarks and tests that
 * build one from an argv.
 */
import { DEFAULT_MEMORY_LIMIT_MIB, DEFAULT_TIME_LIMIT_MS, UPSTREAM_PROFILE_ARGS, type Implementation } from './implementation.js';

export function receiverOnly(name: string, argv: readonly string[]): Implementation {
  return { name, receiver: { argv, profiles: UPSTREAM_PROFILE_ARGS, timeResolution: 'ns' }, sender: null, openInVm: null, timeLimitMs: DEFAULT_TIME_LIMIT_MS, memoryLimitMiB: DEFAULT_MEMORY_LIMIT_MIB, bindRo: [] };
}
