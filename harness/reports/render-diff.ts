/**
 * A run's difference as Markdown, for a pull-request comment: the verdict first (regressions
 * or none), then each kind of change as a table; long lists are cut with a count, since a
 * comment has a size limit.
 */
import type { CaseChange, ResultsDiff } from './diff-results.js';

const SHOWN = 50;

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(title: string, changes: readonly CaseChange[]): string[] {
  if (changes.length === 0) return [];
  const rows = changes.slice(0, SHOWN).map((change) => `| \`${cell(change.id)}\` | ${change.old ?? '—'} | ${change.new ?? '—'} | ${cell(change.why)} |`);
  return ['', `### ${title} (${changes.length})`, '', '| case | before | now | why |', '| --- | --- | --- | --- |', ...rows, ...(changes.length > SHOWN ? [`| … ${changes.length - SHOWN} more | | | see diff.json |`] : [])];
}

/** The Markdown of `diff`. */
export function renderDiff(diff: ResultsDiff): string {
  const verdict = diff.regressions.length > 0 ? `❌ **${diff.regressions.length} ${diff.regressions.length === 1 ? 'regression' : 'regressions'}**` : '✅ **no regression**';
  const counts = (side: ResultsDiff['old']): string => `${side.summary.pass} pass, ${side.summary.fail} fail, ${side.summary.nonStrict} non-strict, ${side.summary.info} info, ${side.summary.error} error, ${side.summary.skipped} skipped`;
  return [
    `## qfc diff: ${cell(diff.new.implementation)}`,
    '',
    `${verdict} — ${diff.fixed.length} fixed, ${diff.changed.length} otherwise changed, ${diff.added.length} added, ${diff.removed.length} removed, ${diff.unchanged} unchanged`,
    '',
    `- before: ${cell(diff.old.implementation)} (${diff.old.suite}, ${diff.old.startedAt}): ${counts(diff.old)}`,
    `- now: ${cell(diff.new.implementation)} (${diff.new.suite}, ${diff.new.startedAt}): ${counts(diff.new)}`,
    ...table('Regressions', diff.regressions),
    ...table('Fixed', diff.fixed),
    ...table('Other changes', diff.changed),
    ...table('Added by the newer suite', diff.added),
    ...table('Removed from the suite', diff.removed),
    '',
  ].join('\n');
}
