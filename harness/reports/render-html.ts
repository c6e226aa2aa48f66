/**
 * index.html: one self-contained page (no external resource) with the counts by category
 * and verdict, every case that is not a pass with its expected and observed outcome, its
 * violations and an annotated hex dump of its stream, and the full list of cases. A few
 * lines of script filter the list by verdict; the page reads the same without it. A fuzz
 * campaign's page adds its figures, findings (minimal stream, replay command) and the count
 * of runs that exercised each clause, MUST clauses never reached marked.
 */
import { VERDICTS, type CaseResult, type Verdict } from '../verdicts/case-result.js';
import { annotatedHexDump } from './annotated-hex-dump.js';
import { bySeverity, runFailed, type EngineReport, type ResultsDocument } from './results-document.js';
import { countRows } from './render-summary.js';


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

/** Every clause with the cases that cite it and their verdicts, worst first. */
function clauseSection(cases: readonly CaseResult[]): string {
  const byClause = new Map<string, CaseResult[]>();
  for (const result of cases) for (const clause of result.clauses) byClause.set(clause, [...(byClause.get(clause) ?? []), result]);
  const rows = [...byClause]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([clause, cited]) => {
      const worst = bySeverity(cited)[0]?.verdict ?? 'pass';
      const links = [...bySeverity(cited), ...cited.filter((result) => result.verdict === 'pass' || result.verdict === 'skipped')]
        .map((result) => `<span class="verdict ${esc(result.verdict)}" title="${esc(result.verdict)}">${result.verdict === 'pass' || result.verdict === 'skipped' ? esc(result.id) : `<a href="#case-${esc(result.id)}">${esc(result.id)}</a>`}</span>`)
        .join(' ');
      return `<tr data-worst="${esc(worst)}"><td><code>${esc(clause)}</code></td><td>${cited.length}</td><td>${links}</td></tr>`;
    })
    .join('\n');
  return `<h2>By clause</h2><table id="clauses"><thead><tr><th>clause</th><th>cases</th><th>verdicts</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** How each outcome against an expectation reads. */
const EXPECTATION_OUTCOMES: Readonly<Record<NonNullable<CaseResult['expectation']>['outcome'], string>> = {
  expected: 'as expected',
  better: 'unexpectedly better: update the expectations',
  worse: 'worse than expected',
  unexpected: 'a new failure',
  changed: 'skipped or run where the other was expected',
};

/** The run against its expectations file: what regressed, what got better. */
function expectationsSection(gate: NonNullable<ResultsDocument['expectations']>): string {
  const list = (ids: readonly string[]): string => ids.map((id) => `<a href="#case-${esc(id.slice(id.indexOf('/') + 1))}"><code>${esc(id)}</code></a>`).join(' ');
  const rows = [
    ['as expected', String(gate.expected)],
    ['new failures', list(gate.unexpected) || 'none'],
    ['worse than expected', list(gate.worse) || 'none'],
    ['unexpectedly better: update the expectations', list(gate.better) || 'none'],
    ['skipped or run where the other was expected', list(gate.changed) || 'none'],
  ];
  return `<h2>Expectations</h2><p><code>${esc(gate.file)}</code></p><table class="expectations">${rows.map(([label, value]) => `<tr><th>${esc(label!)}</th><td>${value}</td></tr>`).join('')}</table>`;
}

/** How much of the implementation the run exercised (`--coverage`), in total and per file. */
function coverageSection(coverage: NonNullable<ResultsDocument['coverage']>): string {
  if (coverage.problem !== null) return `<h2>Coverage</h2><p class="fail" id="coverage">${esc(coverage.tool)}: ${esc(coverage.problem)}</p>`;
  const pct = (entry: { covered: number; total: number; pct: number }): string => `${entry.pct} % (${entry.covered}/${entry.total})`;
  const rows = coverage.files.map((file) => `<tr><td><code>${esc(file.file)}</code></td><td>${pct(file.lines)}</td><td>${pct(file.branches)}</td><td>${pct(file.functions)}</td></tr>`).join('\n');
  return `<h2>Coverage</h2>
<p id="coverage">The cases exercise <strong>${coverage.branches.pct} %</strong> of the branches of the implementation (${coverage.branches.covered} of ${coverage.branches.total}), ${coverage.lines.pct} % of its lines and ${coverage.functions.pct} % of its functions (${esc(coverage.tool)})${coverage.html === null ? '' : ` — <a href="${esc(coverage.html)}">coverage view</a>`}.</p>
<table class="coverage"><thead><tr><th>file</th><th>lines</th><th>branches</th><th>functions</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function caseDetail(result: CaseResult): string {
  const violations = result.violations.length === 0 ? '' : `<h4>Violations</h4><ul class="violations">${result.violations.map((v) => `<li><code>${esc(v.clause)}</code> ${esc(v.detail)}</li>`).join('')}</ul>`;
  const notes = result.notes.length === 0 ? '' : `<h4>Notes</h4><ul>${result.notes.map((note) => `<li>${esc(note)}</li>`).join('')}</ul>`;
  const accepted = result.expectation?.verdict === undefined ? '' : `<p class="expectation ${esc(result.expectation.outcome)}">expectation (<code>${esc(result.expectation.key ?? '')}</code>): ${esc(result.expectation.verdict)} — ${esc(result.expectation.reason ?? '')}; this run: <strong>${esc(EXPECTATION_OUTCOMES[result.expectation.outcome])}</strong></p>`;
  return `<section class="case ${esc(result.verdict)}" id="case-${esc(result.id)}" data-verdict="${esc(result.verdict)}">
<h3><span class="verdict ${esc(result.verdict)}">${esc(result.verdict)}</span> ${esc(result.category)}/${esc(result.id)}</h3>
<p>${esc(result.title)} — clauses ${result.clauses.map((clause) => `<code>${esc(clause)}</code>`).join(' ')}${result.profile === 'default' ? '' : `, profile <code>${esc(result.profile)}</code>`}</p>
${accepted}${violations}${notes}
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
tr.never td { background: #fde2e2; } section.finding pre { background: #f6f6f6; padding: 0.5em; overflow-x: auto; }
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

/** A campaign's figures, its findings and how often each clause was exercised (never-reached MUST clauses marked). */
function engineSection(engine: EngineReport): string {
  const figures = [
    ['execution', `${engine.name}, ${engine.execution}`],
    ['seed', String(engine.seed)],
    ['properties', engine.properties.join(', ')],
    ['runs', String(engine.runs)],
    ['executions', `${engine.execs} (shrinking included)`],
    ['speed', `${engine.execsPerSecond} execs/s over ${engine.seconds.toFixed(1)} s${engine.interrupted ? ' (interrupted)' : ''}`],
    ['failures', String(engine.failures)],
    ...(engine.libFuzzer === undefined
      ? []
      : [
          ['libFuzzer', `${engine.libFuzzer.workers} ${engine.libFuzzer.workers === 1 ? 'worker' : 'workers'}, ${engine.libFuzzer.mode} inputs, ${engine.libFuzzer.runtime} runtime; ${engine.libFuzzer.execs} execs, ${engine.libFuzzer.edges} edges, ${engine.libFuzzer.features} features`],
          ['libFuzzer corpus', `${engine.libFuzzer.corpusSize} inputs in ${engine.libFuzzer.corpusDir} (${engine.libFuzzer.seeded} seeds added); dictionary: ${engine.libFuzzer.dictionary}`],
        ]),
  ]
    .map(([label, value]) => `<tr><th>${esc(label!)}</th><td>${esc(value!)}</td></tr>`)
    .join('');
  const findings = engine.findings
    .map(
      (finding) => `<section class="finding"><h3><span class="verdict fail">${esc(finding.property)}</span> <a href="#case-${esc(finding.id)}">${esc(finding.id)}</a></h3>
<p>found after ${(finding.msToFind / 1000).toFixed(1)} s, shrunk in ${(finding.msToShrink / 1000).toFixed(1)} s (${finding.shrinks} steps); corpus: <code>${esc(finding.corpus)}</code></p>
<h4>Minimal stream</h4><pre>${esc(finding.minimalStream.join('\n'))}</pre>
<h4>Replay</h4><pre>${esc(finding.replay)}</pre></section>`,
    )
    .join('\n');
  const never = new Set(engine.neverExercised);
  const clauses = Object.entries(engine.clauseCounts)
    .map(([id, count]) => `<tr${never.has(id) ? ' class="never"' : ''}><td><code>${esc(id)}</code></td><td class="count">${count}</td></tr>`)
    .join('\n');
  const unreached = engine.neverExercised.length === 0 ? '<p>Every MUST clause was exercised.</p>' : `<p class="fail">MUST clauses never exercised: ${engine.neverExercised.map((id) => `<code>${esc(id)}</code>`).join(' ')}</p>`;
  return `<h2>Campaign</h2>
<table>${figures}</table>
<h2>Findings (${engine.findings.length})</h2>
${findings || '<p>None.</p>'}
<h2>Clauses exercised</h2>
${unreached}
<table class="clauses"><thead><tr><th>clause</th><th>runs</th></tr></thead><tbody>${clauses}</tbody></table>`;
}

export function renderHtml(document: ResultsDocument): string {
  const { summary, implementation, suite, run, engine } = document;
  const fuzz = engine !== undefined;
  const title = `qfc ${fuzz ? 'fuzz' : 'certify'}: ${esc(implementation.name)}`;
  const gate = document.expectations;
  const verdictLine = gate !== undefined ? (runFailed(document) ? 'Worse than expected' : 'As expected') : runFailed(document) ? (fuzz ? 'Failures found' : 'Not conforming') : fuzz ? 'No failure found' : 'Conforming';
  const counts = countRows(document)
    .map(([category, row]) => `<tr><th>${esc(category)}</th>${VERDICTS.map((verdict) => `<td class="count ${verdict}">${row[verdict] || ''}</td>`).join('')}</tr>`)
    .join('\n');
  // What matters first: failures, then harness errors, then the softer verdicts (a fuzz report keeps its findings first).
  const notable = fuzz ? document.cases.filter((result) => result.verdict !== 'pass' && result.verdict !== 'skipped') : bySeverity(document.cases);
  const all = document.cases
    .map((result) => `<tr data-verdict="${esc(result.verdict)}"><td><span class="verdict ${esc(result.verdict)}">${esc(result.verdict)}</span></td><td>${result.verdict === 'pass' || result.verdict === 'skipped' ? '' : '<a href="#case-' + esc(result.id) + '">'}${esc(result.category)}/${esc(result.id)}${result.verdict === 'pass' || result.verdict === 'skipped' ? '' : '</a>'}</td><td>${esc(result.title)}</td><td>${result.ms}</td></tr>`)
    .join('\n');
  const line = (label: string, value: string | null): string => (value === null ? '' : `<tr><th>${label}</th><td><code>${esc(value)}</code></td></tr>`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${STYLE}</style></head>
<body>
<h1>${title}</h1>
<p class="${runFailed(document) ? 'fail' : 'pass'}"><strong>${verdictLine}</strong> — ${summary.total} ${fuzz ? 'runs' : 'cases'}: ${summary.pass} pass, ${summary.fail} fail, ${summary.nonStrict} non-strict, ${summary.info} info, ${summary.error} error, ${summary.skipped} skipped, in ${(run.ms / 1000).toFixed(1)} s.</p>
<table>${line('receiver', implementation.receiver)}${line('sender', implementation.sender)}${line('OpenInVM', implementation.openInVm)}${line('profile', implementation.profile)}${line('sandbox', implementation.sandbox)}${run.stoppedEarly === undefined ? '' : line('stopped early', run.stoppedEarly)}${run.cleanupProblems === undefined || run.cleanupProblems.length === 0 ? '' : line('cleanup', run.cleanupProblems.join('; '))}${line('suite', `${suite.name} ${suite.version}, contract ${suite.contract}, ${suite.corpusDigest}`)}${line('run', `${run.startedAt}, ${run.jobs} jobs, uid ${run.uid}${run.strict ? ', strict' : ''}: ${run.command}`)}</table>
${gate === undefined ? '' : expectationsSection(gate)}
${document.coverage === undefined ? '' : coverageSection(document.coverage)}
${fuzz ? engineSection(engine) : ''}
<h2>${fuzz ? 'By input family' : 'By category'}</h2>
<table><thead><tr><th>${fuzz ? 'family' : 'category'}</th>${VERDICTS.map((verdict) => `<th class="${verdict}">${verdict}</th>`).join('')}</tr></thead><tbody>${counts}</tbody></table>
<h2>${fuzz ? 'Findings and samples' : 'Cases that are not a pass'} (${notable.length})</h2>
${notable.map(caseDetail).join('\n') || '<p>None.</p>'}
${fuzz ? '' : clauseSection(document.cases)}
<h2>All cases</h2>
<div class="filters">${['all', ...VERDICTS].map((verdict) => `<button type="button" data-show="${verdict}">${verdict}</button>`).join('')}</div>
<table id="all"><thead><tr><th>verdict</th><th>case</th><th>title</th><th>ms</th></tr></thead><tbody>${all}</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`;
}
