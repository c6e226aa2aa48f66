/**
 * What libFuzzer says about its progress, read from its status lines
 * (`#4096	NEW    cov: 741 ft: 2448 corp: 285/24Kb lim: 789 exec/s: 4496 rss: 255Mb`) and
 * its final statistics (`stat::number_of_executed_units: 22529`).
 */

/** The latest status of one libFuzzer process. */
export interface LibFuzzerStatus {
  /** Inputs executed. */
  readonly execs: number;
  /** Coverage edges and features. */
  readonly edges: number;
  readonly features: number;
  /** Inputs in its in-memory corpus. */
  readonly corpus: number;
}

const STATUS = /^#(\d+)\s+\S+\s+cov: (\d+) ft: (\d+)(?: corp: (\d+)\/)?/;
const EXECUTED = /^stat::number_of_executed_units:\s*(\d+)/;

/** `status` updated by one line of output (unchanged when the line says nothing of it). */
export function readStatusLine(status: LibFuzzerStatus, line: string): LibFuzzerStatus {
  const executed = EXECUTED.exec(line);
  if (executed !== null) return { ...status, execs: Math.max(status.execs, Number(executed[1])) };
  const match = STATUS.exec(line);
  if (match === null) return status;
  return {
    execs: Math.max(status.execs, Number(match[1])),
    edges: Number(match[2]),
    features: Number(match[3]),
    corpus: match[4] === undefined ? status.corpus : Number(match[4]),
  };
}

/** Before any line. */
export const NO_STATUS: LibFuzzerStatus = { execs: 0, edges: 0, features: 0, corpus: 0 };
