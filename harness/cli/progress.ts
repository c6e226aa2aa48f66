/**
 * Progress of a certify run on stderr: a bar redrawn in place on a terminal, one plain
 * line per case otherwise (CI logs).
 */
import type { CaseResult, Verdict } from '../verdicts/case-result.js';

export function progressReporter(stream: NodeJS.WriteStream = process.stderr): (result: CaseResult, done: number, total: number) => void {
  const counts: Partial<Record<Verdict, number>> = {};
  return (result, done, total) => {
    counts[result.verdict] = (counts[result.verdict] ?? 0) + 1;
    if (!stream.isTTY) {
      stream.write(`${result.verdict.padEnd(10)} ${result.category}/${result.id} (${result.ms} ms)\n`);
      return;
    }
    const width = 30;
    const filled = Math.round((done / total) * width);
    const tally = Object.entries(counts).map(([verdict, count]) => `${verdict} ${count}`).join(', ');
    stream.write(`\r\u001b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${tally}`);
    if (done === total) stream.write('\n');
  };
}
