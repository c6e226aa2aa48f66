/**
 * index.html: one self-contained page (no external resource) with the counts by category
 * and verdict, every case that is not a pass with its expected and observed outcome, its
 * violations and an annotated hex dump of its stream, and the full list of cases. A few
 * lines of script filter the list by verdict; the page reads the same without it.
 */
import type { CaseResult, Verdict } from '../verdicts/case-result.js';
import { annotatedHexDump } from './annotated-hex-dump.js';
import { runFailed, type ResultsDocument } from './results-document.js';
import { countsByCategory } from './render-summary.js';

const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'non-strict', 'info', 'error', 'skipped'];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\ufffd');
}

function json(value: unknown): string {
  return esc(JSON.stringify(value, null, 2));
}

function hexDump(result: CaseResult): string {
  if (result.streamHex === undefined) return '';
  const blocks = annotatedHexDump(result.streamHex);
  const shortened = result.streamLength !== undefined && result.streamLength * 2 > result.streamHex.length ? `<p class="note">the stream has ${result.streamLength} bytes; the first ${result.streamHex.length / 2} are shown</p>` : '';
  const rows = blocks
    .map((block) => `<tr><td class="offset">${block.offset}</td><td class="label">${esc(block.label)}</td><td><pre>${esc(block.lines.join('\n'))}</pre></td></tr>`)
    .join('\n');
  return `<h4>Stream (${result.streamLength ?? 0} bytes)</h4>${shortened}<table class="hexdump"><thead><tr><th>offset</th><th>field</th><th>bytes</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function caseDetail(result: CaseResult): string {
  const violations = result.violations.length === 0 ? '' : `<h4>Violations</h4><ul class="violations">${result.violations.map((v) => `<li><code>${esc(v.clause)}</code> ${esc(v.detail)}</li>`).join('')}</ul>`;
  const notes = result.notes.length === 0 ? '' : `<h4>Notes</h4><ul>${result.notes.map((note) => `<li>${esc(note)}</li>`).join('')}</ul>`;
  return `<section class="case ${esc(result.verdict)}" id="case-${esc(result.id)}" data-verdict="${esc(result.verdict)}">
<h3><span class="verdict ${esc(result.verdict)}">${esc(result.verdict)}</span> ${esc(result.category)}/${esc(result.id)}</h3>
<p>${esc(result.title)} — clauses ${result.clauses.map((clause) => `<code>${esc(clause)}</code>`).join(' ')}${result.profile === 'default' ? '' : `, profile <code>${esc(result.profile)}</code>`}</p>
${violations}${notes}
<div class="compare"><div><h4>Expected</h4><pre>${json(result.expected)}</pre></div><div><h4>Observed</h4><pre>${json(result.observed)}</pre></div></div>
${hexDump(result)}
</section>`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1b1b1b; }
h1 { margin-bottom: 0.2em; } code, pre { font: 12px/1.3 ui-monospace, monospace; }
table { border-collapse: collapse; margin: 1em 0; } th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
td.count { text-align: right; } .verdict { font-weight: bold; padding: 0 0.4em; border-radius: 3px; }
.pass { color: #176117; } .fail { color: #a40000; } .non-strict { color: #8a5a00; } .info { color: #19568c; } .error { color: #6c1d8a; } .skipped { color: #666; }
span.verdict.fail { background: #fde2e2; } span.verdict.pass { background: #e4f6e4; } span.verdict.non-strict { background: #fdf0d5; } span.verdict.info { background: #e1eefb; } span.verdict.error { background: #f0e1fb; }
section.case { border-top: 1px solid #ddd; margin-top: 1.5em; } .compare { display: flex; gap: 2em; } .compare > div { flex: 1; min-width: 0; }
.compare pre { background: #f6f6f6; padding: 0.5em; overflow-x: auto; } table.hexdump td.label { max-width: 28em; } table.hexdump pre { margin: 0; }
.filters button { margin-right: 0.4em; } .note { color: #666; }
`;

const SCRIPT = `
document.querySelectorAll('.filters button').forEach(function (button) {
  button.addEventListener('click', function () {
    var wanted = button.getAttribute('data-show');
    document.querySelectorAll('#all tbody tr').forEach(function (row) {
      row.hidden = wanted !== 'all' && row.getAttribute('data-verdict') !== wanted;
    });
  });
});
`;

export function renderHtml(document: ResultsDocument): string {
  const { summary, implementation, suite, run } = document;
  const counts = [...countsByCategory(document.cases)]
    .map(([category, row]) => `<tr><th>${esc(category)}</th>${VERDICTS.map((verdict) => `<td class="count ${verdict}">${row[verdict] || ''}</td>`).join('')}</tr>`)
    .join('\n');
  const notable = document.cases.filter((result) => result.verdict !== 'pass' && result.verdict !== 'skipped');
  const all = document.cases
    .map((result) => `<tr data-verdict="${esc(result.verdict)}"><td><span class="verdict ${esc(result.verdict)}">${esc(result.verdict)}</span></td><td>${result.verdict === 'pass' || result.verdict === 'skipped' ? '' : '<a href="#case-' + esc(result.id) + '">'}${esc(result.category)}/${esc(result.id)}${result.verdict === 'pass' || result.verdict === 'skipped' ? '' : '</a>'}</td><td>${esc(result.title)}</td><td>${result.ms}</td></tr>`)
    .join('\n');
  const line = (label: string, value: string | null): string => (value === null ? '' : `<tr><th>${label}</th><td><code>${esc(value)}</code></td></tr>`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>qfc certify: ${esc(implementation.name)}</title><style>${STYLE}</style></head>
<body>
<h1>qfc certify: ${esc(implementation.name)}</h1>
<p class="${runFailed(document) ? 'fail' : 'pass'}"><strong>${runFailed(document) ? 'Not conforming' : 'Conforming'}</strong> — ${summary.total} cases: ${summary.pass} pass, ${summary.fail} fail, ${summary.nonStrict} non-strict, ${summary.info} info, ${summary.error} error, ${summary.skipped} skipped, in ${(run.ms / 1000).toFixed(1)} s.</p>
<table>${line('receiver', implementation.receiver)}${line('sender', implementation.sender)}${line('OpenInVM', implementation.openInVm)}${line('profile', implementation.profile)}${line('sandbox', implementation.sandbox)}${line('suite', `${suite.name} ${suite.version}, contract ${suite.contract}, ${suite.corpusDigest}`)}${line('run', `${run.startedAt}, ${run.jobs} jobs, uid ${run.uid}${run.strict ? ', strict' : ''}: ${run.command}`)}</table>
<h2>By category</h2>
<table><thead><tr><th>category</th>${VERDICTS.map((verdict) => `<th class="${verdict}">${verdict}</th>`).join('')}</tr></thead><tbody>${counts}</tbody></table>
<h2>Cases that are not a pass (${notable.length})</h2>
${notable.map(caseDetail).join('\n') || '<p>None.</p>'}
<h2>All cases</h2>
<div class="filters">${['all', ...VERDICTS].map((verdict) => `<button type="button" data-show="${verdict}">${verdict}</button>`).join('')}</div>
<table id="all"><thead><tr><th>verdict</th><th>case</th><th>title</th><th>ms</th></tr></thead><tbody>${all}</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`;
}
