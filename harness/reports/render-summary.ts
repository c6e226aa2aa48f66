/**
 * summary.md: counts and the cases that need a look, short enough for a PR comment.
 */
import type { CaseResult, Verdict } from '../verdicts/case-result.js';
import { runFailed, type ResultsDocument } from './results-document.js';

const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'non-strict', 'info', 'error', 'skipped'];
const SHOWN = 30;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/[\u0000-\u001f]/g, '?');
}

/** Counts by category and verdict. */
export function countsByCategory(cases: readonly CaseResult[]): Map<string, Record<Verdict, number>> {
  const table = new Map<string, Record<Verdict, number>>();
  for (const result of cases) {
    const row = table.get(result.category) ?? { pass: 0, fail: 0, 'non-strict': 0, info: 0, error: 0, skipped: 0 };
    row[result.verdict] += 1;
    table.set(result.category, row);
  }
  return table;
}

export function renderSummary(document: ResultsDocument): string {
  const { summary, implementation } = document;
  const status = runFailed(document) ? '❌ **not conforming**' : '✅ **conforming**';
  const lines = [
    `## qfc certify: ${cell(implementation.name)}`,
    '',
    `${status} — ${summary.total} cases: ${summary.pass} pass, ${summary.fail} fail, ${summary.nonStrict} non-strict, ${summary.info} info, ${summary.error} error, ${summary.skipped} skipped` +
      ` (${(document.run.ms / 1000).toFixed(1)} s, sandbox: ${implementation.sandbox}${document.run.strict ? ', strict' : ''})`,
    '',
    `| category | ${VERDICTS.join(' | ')} |`,
    `| --- | ${VERDICTS.map(() => '---:').join(' | ')} |`,
    ...[...countsByCategory(document.cases)].map(([category, row]) => `| ${cell(category)} | ${VERDICTS.map((verdict) => row[verdict]).join(' | ')} |`),
  ];
  const notable = document.cases.filter((result) => result.verdict === 'fail' || result.verdict === 'error' || result.verdict === 'non-strict');
  if (notable.length > 0) {
    lines.push('', '### Cases to look at', '', '| verdict | case | why |', '| --- | --- | --- |');
    for (const result of notable.slice(0, SHOWN)) {
      const why = result.violations[0] === undefined ? (result.notes[0] ?? '') : `${result.violations[0].clause}: ${result.violations[0].detail}`;
      lines.push(`| ${result.verdict} | \`${result.category}/${result.id}\` | ${cell(why).slice(0, 300)} |`);
    }
    if (notable.length > SHOWN) lines.push(`| … | ${notable.length - SHOWN} more | see index.html |`);
  }
  lines.push('', `suite ${document.suite.name} ${document.suite.version}, catalogue ${document.suite.corpusDigest.slice(0, 19)}…`, '');
  return lines.join('\n');
}
