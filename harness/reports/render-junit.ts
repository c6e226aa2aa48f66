/**
 * junit.xml for CI systems: one testsuite per category, `fail` as a failure, `error` as an
 * error, `skipped` as skipped, `non-strict` as a failure only in strict runs. A fuzz
 * campaign adds a `properties` suite, one test case per property, failed by its findings.
 */
import type { EngineReport, ResultsDocument } from './results-document.js';

function escape(text: string): string {
  // XML 1.0 cannot carry most control characters at all: drop them.
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A campaign's properties as test cases: each fails with its findings' minimal streams and replay commands. */
function propertiesSuite(engine: EngineReport): string {
  const lines = engine.properties.map((property) => {
    const found = engine.findings.filter((finding) => finding.property === property);
    const name = `${escape(property)}" classname="qfc.properties" time="${engine.seconds.toFixed(3)}`;
    if (found.length === 0) return `    <testcase name="${name}"/>`;
    const message = escape(found.map((finding) => [`${finding.id}: ${finding.corpus}`, ...finding.minimalStream, `replay: ${finding.replay}`].join('\n')).join('\n\n'));
    return `    <testcase name="${name}"><failure message="${escape(`${found.length} counterexample(s) after ${engine.runs} runs`)}" type="property">${message}</failure></testcase>`;
  });
  const failures = engine.properties.filter((property) => engine.findings.some((finding) => finding.property === property)).length;
  return `  <testsuite name="properties" tests="${engine.properties.length}" failures="${failures}" errors="0" skipped="0" time="${engine.seconds.toFixed(3)}">\n${lines.join('\n')}\n  </testsuite>`;
}

export function renderJunit(document: ResultsDocument): string {
  const categories = [...new Set(document.cases.map((result) => result.category))];
  const suites: string[] = categories.map((category) => {
    const cases = document.cases.filter((result) => result.category === category);
    const failing = (verdict: string): boolean => verdict === 'fail' || (verdict === 'non-strict' && document.run.strict);
    const lines = cases.map((result) => {
      const name = `${escape(result.id)}" classname="qfc.${escape(category)}" time="${(result.ms / 1000).toFixed(3)}`;
      const message = escape([...result.violations.map((v) => `${v.clause}: ${v.detail}`), ...result.notes].join('\n'));
      if (failing(result.verdict)) return `    <testcase name="${name}"><failure message="${escape(result.title)}" type="${result.verdict}">${message}</failure></testcase>`;
      if (result.verdict === 'error') return `    <testcase name="${name}"><error message="${escape(result.notes[0] ?? 'harness error')}">${message}</error></testcase>`;
      if (result.verdict === 'skipped') return `    <testcase name="${name}"><skipped message="${escape(result.notes[0] ?? '')}"/></testcase>`;
      const out = result.verdict === 'pass' ? '' : `<system-out>${result.verdict}: ${message}</system-out>`;
      return `    <testcase name="${name}">${out}</testcase>`;
    });
    const failures = cases.filter((result) => failing(result.verdict)).length;
    const errors = cases.filter((result) => result.verdict === 'error').length;
    const skipped = cases.filter((result) => result.verdict === 'skipped').length;
    const time = cases.reduce((sum, result) => sum + result.ms, 0) / 1000;
    return `  <testsuite name="${escape(category)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(3)}">\n${lines.join('\n')}\n  </testsuite>`;
  });
  const { summary, engine } = document;
  if (engine !== undefined) suites.unshift(propertiesSuite(engine));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="qfc ${engine === undefined ? 'certify' : 'fuzz'}: ${escape(document.implementation.name)}" tests="${summary.total}" failures="${summary.fail}" errors="${summary.error}">\n${suites.join('\n')}\n</testsuites>\n`;
}
