/**
 * `qfc report results.json [--out DIR]`: render junit.xml, summary.md and index.html again
 * from a results.json (into its own directory unless --out is given).
 */
import { dirname, join, resolve } from 'node:path';
import { readResults } from '../reports/read-results.js';
import { renderReport, writeReport } from '../reports/write-report.js';
import { UsageError, type ParsedArguments } from './arguments.js';

export const REPORT_USAGE = 'usage: qfc report RESULTS.json [--out DIR]';

export function reportCommand(args: ParsedArguments): string {
  const [path, ...extra] = args.positional;
  if (path === undefined || extra.length > 0) throw new UsageError(REPORT_USAGE);
  const read = readResults(path);
  if (!read.ok) throw new UsageError(read.problem);
  const { document } = read;
  const out = resolve(args.value('--out') ?? dirname(resolve(read.path)));
  const files = renderReport(document);
  // results.json is the source: rewrite it only in a new directory.
  if (out === dirname(resolve(read.path))) delete files['results.json'];
  writeReport(out, files);
  return `report: ${join(out, 'index.html')}`;
}
