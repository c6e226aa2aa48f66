/**
 * What a Jazzer.js worker is told by the campaign that starts it. libFuzzer owns the
 * worker's command line, so the settings travel in a JSON file named by an environment
 * variable; the worker rebuilds its implementation and judges from the same `qfc fuzz`
 * arguments as the campaign, so both sides run an input the same way.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { InputMode } from './fuzz-input-codec.js';

/** The environment variable that names the worker's settings file. */
export const WORKER_CONFIG_VARIABLE = 'QFC_JAZZER_WORKER';

export interface WorkerConfig {
  /** The `qfc fuzz` options that decide the implementation and how inputs are run and judged. */
  readonly fuzzArgs: readonly string[];
  /** The directory the worker's sandboxes go in (made and removed by the campaign). */
  readonly base: string;
  /** The worker's own directory: its tally, its samples and findings. */
  readonly out: string;
  readonly mode: InputMode;
  /** Keep fuzzing after a finding (libFuzzer is not told); otherwise the finding ends the worker. */
  readonly keepGoing: boolean;
  /** When minimizing: only a failure with this signature counts as a crash. */
  readonly only: string | null;
  /** The implementation's receiver module (manifest `receiver.module`), run in the worker's process; null for its program. */
  readonly receiverModule: string | null;
  /** When the campaign started (ms since the epoch), so findings say how long they took. */
  readonly startedAt: number;
}

/** Write `config` to `path` (temp file and rename: a worker never reads half of it). */
export function writeWorkerConfig(path: string, config: WorkerConfig): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(config));
  renameSync(`${path}.tmp`, path);
}

/** The worker's settings, or null when the variable is not set (the target was loaded on its own). */
export function readWorkerConfig(environment: NodeJS.ProcessEnv = process.env): WorkerConfig | null {
  const path = environment[WORKER_CONFIG_VARIABLE];
  if (path === undefined || path === '') return null;
  return JSON.parse(readFileSync(path, 'utf8')) as WorkerConfig;
}
