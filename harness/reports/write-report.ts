/**
 * Write a run's report directory atomically: results.json, junit.xml, summary.md and
 * index.html appear together or not at all (built in a temporary directory beside the
 * final one, then renamed), and `reports/latest` is switched to the new run by renaming a
 * fresh symlink over it. A report rendered again in place replaces each file atomically.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ResultsDocument } from './results-document.js';
import { renderHtml } from './render-html.js';
import { renderJunit } from './render-junit.js';
import { renderSummary } from './render-summary.js';

/** JSON with bigints as strings (results.json is read by tools that have no bigint). */
export function resultsJson(document: ResultsDocument): string {
  return `${JSON.stringify(document, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`;
}

/** The four files of a report. */
export function renderReport(document: ResultsDocument): Record<string, string> {
  return {
    'results.json': resultsJson(document),
    'junit.xml': renderJunit(document),
    'summary.md': renderSummary(document),
    'index.html': renderHtml(document),
  };
}

/** Write one file so that it is never seen half-written (`mode` from its creation: a private key is never readable by others). */
export function writeFileAtomically(path: string, content: string, mode = 0o644): void {
  const temporary = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  try {
    writeFileSync(temporary, content, { mode });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Write the report into `directory` (created if missing). */
export function writeReport(directory: string, files: Record<string, string>): void {
  const target = resolve(directory);
  if (existsSync(target)) {
    for (const [name, content] of Object.entries(files)) writeFileAtomically(join(target, name), content);
    return;
  }
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(staging, name), content);
    chmodSync(staging, 0o755); // mkdtemp makes it private; a report is for reading
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Point `<reports>/latest` at `directory` (a sibling), replacing the old link atomically. */
export function pointLatest(reportsDir: string, directory: string): void {
  const link = join(reportsDir, 'latest');
  const temporary = join(reportsDir, `.latest-${process.pid}-${Date.now()}`);
  symlinkSync(basename(directory), temporary);
  renameSync(temporary, link);
}
