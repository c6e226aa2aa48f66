/**
 * The seed corpus of a Jazzer.js campaign: every catalogue stream and every corpus entry,
 * written into libFuzzer's working corpus directory as inputs of the campaign's mode (in
 * the structured layout with their profile and limits, or as raw streams). Files are named
 * by the SHA-1 of their content as libFuzzer names its own, so seeding a directory again
 * adds only what is new (a newer catalogue) and never duplicates what libFuzzer kept.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECEIVER_CASES } from '../../catalogue/index.js';
import { readCorpus } from '../../corpus/read-corpus.js';
import { PACKAGE_ROOT } from '../../package-root.js';
import { SANDBOX_ALIAS } from '../../sandbox/run-contained.js';
import type { SandboxPaths } from '../../sandbox/sandbox-root.js';
import { encodeStreamInput, type InputMode } from './fuzz-input-codec.js';

/**
 * The sandbox catalogue streams are written for: its paths are the alias every sandbox has
 * for itself (a name aimed at the outside area reaches it in any run), and the seeds are
 * the same bytes in every campaign.
 */
const SEED_SANDBOX: SandboxPaths = { root: SANDBOX_ALIAS, target: `${SANDBOX_ALIAS}/target`, outside: `${SANDBOX_ALIAS}/outside`, source: `${SANDBOX_ALIAS}/source` };

/** Inputs longer than this are left out: libFuzzer would cut them to its -max_len anyway. */
export const MAX_INPUT_LENGTH = 70_000;

/** Write the seeds missing from `corpusDir` (made if needed); how many were written. */
export function seedCorpus(corpusDir: string, mode: InputMode, corpusPaths: readonly string[] = [join(PACKAGE_ROOT, 'corpus')]): number {
  mkdirSync(corpusDir, { recursive: true });
  let written = 0;
  for (const testCase of [...RECEIVER_CASES, ...readCorpus(corpusPaths, PACKAGE_ROOT).cases]) {
    const stream = testCase.stream(SEED_SANDBOX);
    const input = mode === 'raw' ? stream : encodeStreamInput(stream, { profile: testCase.profile, limits: testCase.limits });
    if (input.length > MAX_INPUT_LENGTH) continue;
    const path = join(corpusDir, createHash('sha1').update(input).digest('hex'));
    if (existsSync(path)) continue;
    writeFileSync(`${path}.tmp`, input);
    renameSync(`${path}.tmp`, path);
    written += 1;
  }
  return written;
}
