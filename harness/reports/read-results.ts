/**
 * Read a results.json given by a user (`qfc report`, `qfc diff`, `qfc matrix`, `qfc
 * certificate verify`): the file itself or the report directory holding it. What is read
 * is checked as far as the readers rely on it (every case with a string id and category and
 * a known verdict), so that a malformed or hostile file is one line of problem, never an
 * exception in a renderer.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { VERDICTS } from '../verdicts/case-result.js';
import type { ResultsDocument } from './results-document.js';

/** A results document and the file it came from, or why it could not be read. */
export type ReadResults = { readonly ok: true; readonly document: ResultsDocument; readonly path: string; readonly text: string } | { readonly ok: false; readonly problem: string };


/** The results.json at `path` (a file, or a directory holding results.json). */
export function readResults(path: string): ReadResults {
  let file = path;
  let text: string;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'results.json');
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, problem: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  let document: ResultsDocument;
  try {
    document = JSON.parse(text) as ResultsDocument;
  } catch (error) {
    return { ok: false, problem: `${file} is not JSON: ${(error as Error).message}` };
  }
  if (typeof document !== 'object' || document === null || !Array.isArray(document.cases) || typeof document.summary !== 'object' || typeof document.suite !== 'object' || typeof document.implementation !== 'object' || typeof document.run !== 'object') {
    return { ok: false, problem: `${file} is not a qfc results.json (no suite, implementation, run, summary and cases)` };
  }
  const bad = document.cases.findIndex((result) => typeof result !== 'object' || result === null || typeof result.id !== 'string' || typeof result.category !== 'string' || !VERDICTS.includes(result.verdict));
  if (bad !== -1) return { ok: false, problem: `${file}: case ${bad + 1} has no id, category or known verdict` };
  return { ok: true, document, path: file, text };
}
