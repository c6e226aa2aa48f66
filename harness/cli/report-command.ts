/**
 * `qfc report results.json [--out DIR]`: render junit.xml, summary.md and index.html again
 * from a results.json (into its own directory unless --out is given).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ResultsDocument } from '../reports/results-document.js';
import { renderReport, writeReport } from '../reports/write-report.js';
import { UsageError, type ParsedArguments } from './arguments.js';

export const REPORT_USAGE = 'usage: qfc report RESULTS.json [--out DIR]';

function readResults(path: string): ResultsDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let document: ResultsDocument;
  try {
    document = JSON.parse(text) as ResultsDocument;
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`);
  }
  if (typeof document !== 'object' || document === null || !Array.isArray(document.cases) || typeof document.summary !== 'object' || typeof document.suite !== 'object') {
    throw new UsageError(`${path} is not a qfc results.json (no suite, summary and cases)`);
  }
  return document;
}

export function reportCommand(args: ParsedArguments): string {
  const [path, ...extra] = args.positional;
  if (path === undefined || extra.length > 0) throw new UsageError(REPORT_USAGE);
  const document = readResults(path);
  const out = resolve(args.value('--out') ?? dirname(resolve(path)));
  const files = renderReport(document);
  // results.json is the source: rewrite it only in a new directory.
  if (out === dirname(resolve(path))) delete files['results.json'];
  writeReport(out, files);
  return `report: ${join(out, 'index.html')}`;
}
