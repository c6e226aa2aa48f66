/**
 * `qfc matrix RUN... --out DIR`: several runs (results.json files or report directories)
 * side by side, as DIR/matrix.html (self-contained, with filters) and DIR/matrix.md, each
 * written whole. Links into each run's report are relative, so the matrix and the reports
 * can be moved together.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { readResults } from '../reports/read-results.js';
import { renderMatrixHtml, renderMatrixMarkdown } from '../reports/render-matrix.js';
import { buildMatrix, type MatrixRun } from '../reports/results-matrix.js';
import { writeFileAtomically } from '../reports/write-report.js';
import { UsageError, type ParsedArguments } from './arguments.js';

export const MATRIX_USAGE = 'usage: qfc matrix RUN... --out DIR   (each RUN a results.json or a report directory)';
export const MATRIX_FLAGS = ['--help'];
export const MATRIX_VALUES = ['--out'];

export function matrixCommand(args: ParsedArguments): string {
  const outOption = args.value('--out');
  if (args.positional.length === 0 || outOption === undefined) throw new UsageError(MATRIX_USAGE);
  const out = resolve(outOption);
  const runs = args.positional.map((path): MatrixRun => {
    const read = readResults(resolve(path));
    if (!read.ok) throw new UsageError(read.problem);
    return { document: read.document, page: relative(out, join(dirname(read.path), 'index.html')) };
  });
  const matrix = buildMatrix(runs);
  try {
    mkdirSync(out, { recursive: true });
    writeFileAtomically(join(out, 'matrix.html'), renderMatrixHtml(matrix));
    writeFileAtomically(join(out, 'matrix.md'), renderMatrixMarkdown(matrix));
  } catch (error) {
    throw new UsageError(`--out ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return `matrix of ${runs.length} runs, ${matrix.rows.length} cases: ${join(out, 'matrix.html')}`;
}
