/**
 * The kill matrix of a selftest: for each mutant, whether certify killed it (a case worse
 * than the reference's own verdict on it, `info` included), by which cases and clauses, whether one of them is
 * the clause the mutant was planted for, and, when fuzzing was asked for, the runs a pbt
 * campaign took to its first finding. Pure: built from certify's results, rendered as JSON,
 * Markdown and HTML.
 */
import type { Mutant } from '../../implementations/mutants/mutants.js';
import { VERDICT_RANK, type CaseResult, type Verdict } from '../verdicts/case-result.js';

/** A case that told the mutant from the reference. */
export interface KillingCase {
  readonly id: string;
  readonly verdict: Verdict;
  /** The clauses it cites or reports as violated. */
  readonly clauses: readonly string[];
}

/** One mutant's row. */
export interface MutantKill {
  readonly id: string;
  readonly bugClass: string;
  readonly program: Mutant['program'];
  readonly expectedClauses: readonly string[];
  readonly imitates: string | null;
  readonly killed: boolean;
  /** Killed by a case that cites one of the mutant's clauses. */
  readonly forExpectedClause: boolean;
  readonly cases: readonly KillingCase[];
  /** Every clause the killing cases cite or report. */
  readonly clausesSeen: readonly string[];
  /** Runs a pbt campaign took to its first finding (null: none within the budget; undefined: not fuzzed). */
  readonly runsToFirstFinding?: number | null;
  readonly report: string;
}

export interface KillMatrix {
  readonly mutants: readonly MutantKill[];
  /** Killed of all, and killed for the expected clause of all. */
  readonly score: { readonly killed: number; readonly forExpectedClause: number; readonly total: number };
}


/** The row of `mutant` from its results and the reference's (matched by category/id). */
export function mutantKill(mutant: Mutant, results: readonly CaseResult[], reference: readonly CaseResult[], report: string, runsToFirstFinding?: number | null): MutantKill {
  const baseline = new Map(reference.map((result) => [`${result.category}/${result.id}`, result.verdict]));
  const worse = results.filter((result) => {
    const before = baseline.get(`${result.category}/${result.id}`);
    // Worse than the reference's own verdict, `info` included: a mutant that behaves as
    // upstream's documented quirk (set-id bits kept) is told apart only so.
    if (result.verdict === 'skipped' || result.verdict === 'pass') return false;
    return before === undefined || before === 'skipped' || VERDICT_RANK[result.verdict] < VERDICT_RANK[before];
  });
  const cases = worse.map((result) => ({ id: `${result.category}/${result.id}`, verdict: result.verdict, clauses: [...new Set([...result.clauses, ...result.violations.map((violation) => violation.clause)])] }));
  const expected = new Set<string>(mutant.clauses);
  return {
    id: mutant.id,
    bugClass: mutant.bugClass,
    program: mutant.program,
    expectedClauses: mutant.clauses,
    imitates: mutant.imitates ?? null,
    killed: cases.length > 0,
    forExpectedClause: cases.some((killing) => killing.clauses.some((clause) => expected.has(clause))),
    cases,
    clausesSeen: [...new Set(cases.flatMap((killing) => killing.clauses))].sort(),
    ...(runsToFirstFinding === undefined ? {} : { runsToFirstFinding }),
    report,
  };
}

/** The matrix and its score. */
export function killMatrix(mutants: readonly MutantKill[]): KillMatrix {
  return { mutants, score: { killed: mutants.filter((row) => row.killed).length, forExpectedClause: mutants.filter((row) => row.forExpectedClause).length, total: mutants.length } };
}

const pct = (part: number, whole: number): string => (whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)} %`);
const mark = (row: MutantKill): string => (row.forExpectedClause ? 'killed' : row.killed ? 'killed, other clause' : 'SURVIVED');

/** The matrix as Markdown. */
export function renderKillMatrixMarkdown(matrix: KillMatrix): string {
  const { score } = matrix;
  const fuzzed = matrix.mutants.some((row) => row.runsToFirstFinding !== undefined);
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  return [
    `## qfc selftest: ${score.forExpectedClause} of ${score.total} mutants killed for their clause (${pct(score.forExpectedClause, score.total)}), ${score.killed} killed at all (mutation score ${pct(score.killed, score.total)})`,
    '',
    `| mutant | bug class | expected clauses | outcome | killing cases | ${fuzzed ? 'pbt runs to find | ' : ''}imitates |`,
    `| --- | --- | --- | --- | --- | ${fuzzed ? '---: | ' : ''}--- |`,
    ...matrix.mutants.map(
      (row) =>
        `| \`${row.id}\` | ${cell(row.bugClass)} | ${row.expectedClauses.map((clause) => `\`${clause}\``).join(' ')} | ${mark(row)} | ${row.cases.length}${row.cases[0] === undefined ? '' : ` (${cell(row.cases[0].id)}…)`} | ${fuzzed ? `${row.runsToFirstFinding ?? '—'} | ` : ''}${cell(row.imitates ?? '')} |`,
    ),
    '',
  ].join('\n');
}

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The matrix as a self-contained page, each mutant linking to its certify report. */
export function renderKillMatrixHtml(matrix: KillMatrix): string {
  const { score } = matrix;
  const fuzzed = matrix.mutants.some((row) => row.runsToFirstFinding !== undefined);
  const rows = matrix.mutants
    .map(
      (row) => `<tr class="${row.forExpectedClause ? 'killed' : row.killed ? 'other' : 'survived'}" data-mutant="${esc(row.id)}">
<td><a href="${esc(row.report)}"><code>${esc(row.id)}</code></a></td><td>${esc(row.program)}</td><td>${esc(row.bugClass)}</td><td>${row.expectedClauses.map((clause) => `<code>${esc(clause)}</code>`).join(' ')}</td>
<td class="outcome">${mark(row)}</td><td>${row.cases.slice(0, 5).map((killing) => `<a href="${esc(row.report)}#case-${esc(killing.id.slice(killing.id.indexOf('/') + 1))}">${esc(killing.id)}</a> (${esc(killing.verdict)})`).join('<br>')}${row.cases.length > 5 ? `<br>and ${row.cases.length - 5} more` : ''}</td>
${fuzzed ? `<td>${row.runsToFirstFinding ?? '—'}</td>` : ''}<td>${esc(row.imitates ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>qfc selftest</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .4rem;font-size:.85rem;vertical-align:top}tr.killed td.outcome{color:#2e7d32}tr.other td.outcome{color:#ef6c00}tr.survived td.outcome{color:#c62828;font-weight:bold}</style></head>
<body>
<h1>qfc selftest</h1>
<p id="score"><strong>${score.forExpectedClause} of ${score.total}</strong> mutants killed for their clause (${pct(score.forExpectedClause, score.total)}); ${score.killed} killed at all: mutation score ${pct(score.killed, score.total)}.</p>
<table id="kills"><thead><tr><th>mutant</th><th>program</th><th>bug class</th><th>expected clauses</th><th>outcome</th><th>killing cases</th>${fuzzed ? '<th>pbt runs to find</th>' : ''}<th>imitates</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p>Every run side by side: <a href="matrix.html">matrix</a>.</p>
</body></html>
`;
}
