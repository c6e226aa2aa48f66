/**
 * Several runs side by side (`qfc matrix RUN...`): one column per run (an implementation),
 * one row per case (`category/id`) in the order the runs first list them, grouped by
 * category, each cell the case's verdict in that run (or none, when the run did not have
 * it) with where its detail is; totals per column; and for each row whether the runs differ
 * and whether any failed.
 */
import type { Verdict } from '../verdicts/case-result.js';
import type { ResultsDocument } from './results-document.js';

/** One run, as the matrix shows it. */
export interface MatrixColumn {
  /** The implementation's name, made unique among the columns. */
  readonly label: string;
  /** The run's report page, relative to the matrix (for links). */
  readonly page: string;
  readonly totals: ResultsDocument['summary'];
}

export interface MatrixCell {
  readonly verdict: Verdict;
  /** The link to the case in its run's report: its detail section when it has one. */
  readonly href: string;
}

export interface MatrixRow {
  readonly id: string;
  readonly category: string;
  readonly title: string;
  readonly clauses: readonly string[];
  /** One per column; null where that run did not have the case. */
  readonly cells: readonly (MatrixCell | null)[];
  readonly differs: boolean;
  readonly failing: boolean;
}

export interface ResultsMatrix {
  readonly columns: readonly MatrixColumn[];
  readonly rows: readonly MatrixRow[];
}

/** A run to put in the matrix: its document and its report page relative to the matrix. */
export interface MatrixRun {
  readonly document: ResultsDocument;
  readonly page: string;
}

/** The matrix of `runs`, in the order given. */
export function buildMatrix(runs: readonly MatrixRun[]): ResultsMatrix {
  const seen = new Map<string, number>();
  const columns = runs.map(({ document, page }): MatrixColumn => {
    const name = document.implementation.name;
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return { label: count === 1 ? name : `${name} (${count})`, page, totals: document.summary };
  });
  // Rows in first-seen order, then grouped by category (stable within a category).
  const order: string[] = [];
  const info = new Map<string, { id: string; category: string; title: string; clauses: readonly string[] }>();
  const byRun = runs.map(({ document }) => new Map(document.cases.map((result) => [`${result.category}/${result.id}`, result])));
  for (const { document } of runs) {
    for (const result of document.cases) {
      const key = `${result.category}/${result.id}`;
      if (info.has(key)) continue;
      info.set(key, { id: result.id, category: result.category, title: result.title, clauses: result.clauses });
      order.push(key);
    }
  }
  const categories = [...new Set(order.map((key) => info.get(key)!.category))];
  const rows = categories.flatMap((category) =>
    order
      .filter((key) => info.get(key)!.category === category)
      .map((key): MatrixRow => {
        const cells = byRun.map((cases, index): MatrixCell | null => {
          const result = cases.get(key);
          if (result === undefined) return null;
          const detailed = result.verdict !== 'pass' && result.verdict !== 'skipped';
          return { verdict: result.verdict, href: `${runs[index]!.page}${detailed ? `#case-${encodeURIComponent(result.id)}` : ''}` };
        });
        const verdicts = new Set(cells.map((cell) => cell?.verdict ?? 'none'));
        return { ...info.get(key)!, cells, differs: verdicts.size > 1, failing: cells.some((cell) => cell?.verdict === 'fail' || cell?.verdict === 'error') };
      }),
  );
  return { columns, rows };
}
