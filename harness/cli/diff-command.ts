/**
 * `qfc diff OLD NEW [--out DIR] [--json]`: what changed between two runs (results.json files
 * or report directories): regressions, fixed cases, other changes, cases a newer suite added
 * or removed. Prints Markdown for a pull-request comment (or the JSON with --json); --out DIR
 * also writes diff.md and diff.json there (each whole or not at all). Exit 1 when NEW has a
 * regression, 0 otherwise, 2 on bad usage or an unreadable file.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diffResults } from '../reports/diff-results.js';
import { readResults } from '../reports/read-results.js';
import { renderDiff } from '../reports/render-diff.js';
import { writeFileAtomically } from '../reports/write-report.js';
import { UsageError, type ParsedArguments } from './arguments.js';

export const DIFF_USAGE = 'usage: qfc diff OLD NEW [--out DIR] [--json]   (each a results.json or a report directory)';
export const DIFF_FLAGS = ['--json', '--help'];
export const DIFF_VALUES = ['--out'];

export function diffCommand(args: ParsedArguments): { text: string; status: number } {
  const [oldPath, newPath, ...extra] = args.positional;
  if (oldPath === undefined || newPath === undefined || extra.length > 0) throw new UsageError(DIFF_USAGE);
  const [before, after] = [readResults(resolve(oldPath)), readResults(resolve(newPath))];
  if (!before.ok) throw new UsageError(before.problem);
  if (!after.ok) throw new UsageError(after.problem);
  const diff = diffResults(before.document, after.document);
  const markdown = renderDiff(diff);
  const json = `${JSON.stringify(diff, null, 2)}\n`;
  const out = args.value('--out');
  if (out !== undefined) {
    const dir = resolve(out);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileAtomically(join(dir, 'diff.md'), markdown);
      writeFileAtomically(join(dir, 'diff.json'), json);
    } catch (error) {
      throw new UsageError(`--out ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return { text: args.flag('--json') ? json.trimEnd() : markdown.trimEnd(), status: diff.regressions.length > 0 ? 1 : 0 };
}
