/**
 * The matrix of runs as one self-contained HTML page (no external file: styles and the
 * filter script are inline) and as Markdown. The page has a column per implementation and a
 * row per case under its category's heading, each verdict linking to the case in that run's
 * report, totals per column, and two filters: only the rows where the runs differ, only the
 * rows where one failed.
 */
import type { ResultsMatrix } from './results-matrix.js';

const VERDICTS = ['pass', 'fail', 'non-strict', 'info', 'error', 'skipped'] as const;
const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:.15rem .4rem;font-size:.85rem}
th.category{background:#eee;text-align:left}td.case code{font-size:.8rem}.v{display:inline-block;min-width:5rem;text-align:center;border-radius:3px;color:#fff;text-decoration:none}
.pass{background:#2e7d32}.fail{background:#c62828}.non-strict{background:#ef6c00}.info{background:#1565c0}.error{background:#6a1b9a}.skipped{background:#757575}.none{color:#999}
tr.hidden{display:none}.clauses{color:#555;font-size:.75rem}`;

// The filters: a row is shown when it passes every checked filter; category headings follow their rows.
const SCRIPT = `(() => {
  const only = (name) => document.getElementById(name).checked;
  const apply = () => {
    let shown = 0;
    for (const row of document.querySelectorAll('tr.case-row')) {
      const hide = (only('only-differences') && row.dataset.differs !== 'true') || (only('only-failures') && row.dataset.failing !== 'true');
      row.classList.toggle('hidden', hide);
      if (!hide) shown += 1;
    }
    for (const heading of document.querySelectorAll('tr.category-row')) {
      const rows = document.querySelectorAll('tr.case-row[data-category="' + CSS.escape(heading.dataset.category) + '"]:not(.hidden)');
      heading.classList.toggle('hidden', rows.length === 0);
    }
    document.getElementById('shown').textContent = String(shown);
  };
  for (const id of ['only-differences', 'only-failures']) document.getElementById(id).addEventListener('change', apply);
  apply();
})();`;

/** The self-contained HTML page. */
export function renderMatrixHtml(matrix: ResultsMatrix): string {
  const { columns, rows } = matrix;
  const head = columns.map((column) => `<th><a href="${esc(column.page)}">${esc(column.label)}</a></th>`).join('');
  const totals = VERDICTS.map((verdict) => `<tr class="totals"><th>${verdict}</th>${columns.map((column) => `<td>${column.totals[verdict === 'non-strict' ? 'nonStrict' : verdict]}</td>`).join('')}</tr>`).join('\n');
  let category = '';
  const body = rows
    .map((row) => {
      const heading = row.category === category ? '' : `<tr class="category-row" data-category="${esc(row.category)}"><th class="category" colspan="${columns.length + 1}">${esc(row.category)}</th></tr>\n`;
      category = row.category;
      const cells = row.cells.map((cell) => (cell === null ? '<td class="none">—</td>' : `<td><a class="v ${cell.verdict}" href="${esc(cell.href)}">${cell.verdict}</a></td>`)).join('');
      return `${heading}<tr class="case-row" data-category="${esc(row.category)}" data-differs="${row.differs}" data-failing="${row.failing}"><td class="case"><code>${esc(row.id)}</code><div class="clauses">${esc(row.clauses.join(' '))}</div></td>${cells}</tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>qfc matrix</title><style>${STYLE}</style></head>
<body>
<h1>qfc matrix: ${columns.length} ${columns.length === 1 ? 'run' : 'runs'}, ${rows.length} cases</h1>
<p><label><input type="checkbox" id="only-differences"> only differences (${rows.filter((row) => row.differs).length})</label>
<label><input type="checkbox" id="only-failures"> only failures (${rows.filter((row) => row.failing).length})</label>
— <span id="shown">${rows.length}</span> rows shown</p>
<table id="matrix"><thead><tr><th>case</th>${head}</tr>${totals}</thead>
<tbody>
${body}
</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`;
}

/** The matrix as Markdown (a row per case; totals first). */
export function renderMatrixMarkdown(matrix: ResultsMatrix): string {
  const { columns, rows } = matrix;
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = [
    `## qfc matrix: ${columns.length} runs, ${rows.length} cases (${rows.filter((row) => row.differs).length} differ, ${rows.filter((row) => row.failing).length} with a failure)`,
    '',
    `| case | ${columns.map((column) => `[${cell(column.label)}](${column.page})`).join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
    ...VERDICTS.map((verdict) => `| **${verdict}** | ${columns.map((column) => column.totals[verdict === 'non-strict' ? 'nonStrict' : verdict]).join(' | ')} |`),
    ...rows.map((row) => `| \`${cell(`${row.category}/${row.id}`)}\` | ${row.cells.map((entry) => (entry === null ? '—' : `[${entry.verdict}](${entry.href})`)).join(' | ')} |`),
    '',
  ];
  return lines.join('\n');
}
