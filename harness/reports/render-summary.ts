/**
 * summary.md: counts and the cases that need a look, short enough for a PR comment; for a
 * fuzz campaign also its speed, its findings with their minimal streams and replay
 * commands, and the MUST clauses it never reached.
 */
import { VERDICTS, type CaseResult, type Verdict } from '../verdicts/case-result.js';
import { bySeverity, runFailed, type EngineReport, type ResultsDocument } from './results-document.js';

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

/** The rows of the counts table: input families for a campaign (over every run), categories otherwise. */
export function countRows(document: ResultsDocument): [string, Record<Verdict, number>][] {
  return document.engine === undefined ? [...countsByCategory(document.cases)] : Object.entries(document.engine.families).map(([family, row]) => [family, { ...row }]);
}

/** The campaign's figures, findings and unreached clauses. */
function engineLines(engine: EngineReport): string[] {
  const lines = [
    '',
    `engine ${engine.name} (${engine.execution}), seed ${engine.seed}: ${engine.runs} runs, ${engine.execs} executions in ${engine.seconds.toFixed(1)} s = **${engine.execsPerSecond} execs/s**;` +
      ` properties ${engine.properties.join(', ')}${engine.interrupted ? '; interrupted' : ''}`,
  ];
  const fuzzer = engine.libFuzzer;
  if (fuzzer !== undefined) lines.push('', `libFuzzer: ${fuzzer.workers} ${fuzzer.workers === 1 ? 'worker' : 'workers'}, ${fuzzer.mode} inputs; ${fuzzer.execs} execs, ${fuzzer.edges} edges, ${fuzzer.features} features; corpus ${fuzzer.corpusSize} inputs in ${cell(fuzzer.corpusDir)}`);
  for (const finding of engine.findings) {
    lines.push('', `### ${finding.property} broken: \`${finding.id}\``, '', `found after ${finding.runsToFind} runs (${(finding.msToFind / 1000).toFixed(1)} s), shrunk in ${(finding.msToShrink / 1000).toFixed(1)} s (${finding.shrinks} steps); corpus: ${cell(finding.corpus)}`, '');
    lines.push('```', ...finding.minimalStream, '```', '', `replay: \`${finding.replay}\``);
  }
  const exercised = Object.values(engine.clauseCounts).filter((count) => count > 0).length;
  lines.push('', `clauses exercised: ${exercised} of ${Object.keys(engine.clauseCounts).length}` + (engine.neverExercised.length === 0 ? '; every MUST clause reached' : `; MUST clauses never reached: ${engine.neverExercised.map((id) => `\`${id}\``).join(', ')}`));
  return lines;
}

/** How much of the implementation the run exercised (`--coverage`). */
function coverageLines(coverage: NonNullable<ResultsDocument['coverage']>): string[] {
  if (coverage.problem !== null) return ['', `coverage (${coverage.tool}): ${cell(coverage.problem)}`];
  return [
    '',
    `coverage (${coverage.tool}): the cases exercise **${coverage.branches.pct} %** of the branches of the implementation (${coverage.branches.covered} of ${coverage.branches.total}), ${coverage.lines.pct} % of its lines, ${coverage.functions.pct} % of its functions${coverage.html === null ? '' : ` — [coverage view](${coverage.html})`}`,
  ];
}

/** The run against its expectations: regressions first, then what got better. */
function expectationLines(gate: NonNullable<ResultsDocument['expectations']>): string[] {
  const ids = (list: readonly string[]): string => list.map((id) => `\`${id}\``).join(', ');
  return [
    '',
    `expectations \`${cell(gate.file)}\`: ${gate.expected} as expected`,
    ...(gate.unexpected.length === 0 ? [] : [`- new failures: ${ids(gate.unexpected)}`]),
    ...(gate.worse.length === 0 ? [] : [`- worse than expected: ${ids(gate.worse)}`]),
    ...(gate.better.length === 0 ? [] : [`- unexpectedly better, update the expectations: ${ids(gate.better)}`]),
    ...(gate.changed.length === 0 ? [] : [`- skipped or run where the other was expected: ${ids(gate.changed)}`]),
  ];
}

export function renderSummary(document: ResultsDocument): string {
  const { summary, implementation, engine } = document;
  const gate = document.expectations;
  const status =
    gate !== undefined
      ? runFailed(document)
        ? '❌ **worse than expected**'
        : '✅ **as expected**'
      : runFailed(document)
        ? engine === undefined
          ? '❌ **not conforming**'
          : '❌ **failures found**'
        : engine === undefined
          ? '✅ **conforming**'
          : '✅ **no failure found**';
  const lines = [
    `## qfc ${engine === undefined ? 'certify' : 'fuzz'}: ${cell(implementation.name)}`,
    '',
    `${status} — ${summary.total} ${engine === undefined ? 'cases' : 'runs'}: ${summary.pass} pass, ${summary.fail} fail, ${summary.nonStrict} non-strict, ${summary.info} info, ${summary.error} error, ${summary.skipped} skipped` +
      ` (${(document.run.ms / 1000).toFixed(1)} s, sandbox: ${implementation.sandbox}${document.run.strict ? ', strict' : ''})`,
    ...(document.run.stoppedEarly === undefined ? [] : ['', `⚠️ the run stopped early: ${cell(document.run.stoppedEarly)}`]),
    ...(document.run.cleanupProblems === undefined || document.run.cleanupProblems.length === 0 ? [] : ['', `⚠️ cleanup: ${cell(document.run.cleanupProblems.join('; '))}`]),
    ...(gate === undefined ? [] : expectationLines(gate)),
    ...(document.coverage === undefined ? [] : coverageLines(document.coverage)),
    ...(engine === undefined ? [] : engineLines(engine)),
    '',
    `| ${engine === undefined ? 'category' : 'input family'} | ${VERDICTS.join(' | ')} |`,
    `| --- | ${VERDICTS.map(() => '---:').join(' | ')} |`,
    ...countRows(document).map(([category, row]) => `| ${cell(category)} | ${VERDICTS.map((verdict) => row[verdict]).join(' | ')} |`),
  ];
  const notable = bySeverity(document.cases).filter((result) => result.verdict !== 'info');
  if (notable.length > 0) {
    lines.push('', '### Cases to look at', '', '| verdict | case | why |', '| --- | --- | --- |');
    for (const result of notable.slice(0, SHOWN)) {
      const why = result.violations[0] === undefined ? (result.notes[0] ?? '') : `${result.violations[0].clause}: ${result.violations[0].detail}`;
      lines.push(`| ${result.verdict} | \`${result.category}/${result.id}\` | ${cell(why).slice(0, 300)} |`);
    }
    if (notable.length > SHOWN) lines.push(`| … | ${notable.length - SHOWN} more | see index.html |`);
  }
  lines.push('', `suite ${document.suite.name} ${document.suite.version}${engine === undefined ? `, catalogue ${document.suite.corpusDigest.slice(0, 19)}…` : ''}`, '');
  return lines.join('\n');
}
