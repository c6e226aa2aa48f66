/**
 * What a Jazzer.js worker keeps for its campaign, in its own directory: the counts of
 * every judged run (the same statistics a pbt campaign keeps), the first input of each
 * kind of non-pass verdict, and the first input of each distinct failure. The campaign
 * reads them once the worker is gone.
 *
 * libFuzzer ends a worker with exit() from native code, where no JavaScript runs: the
 * counts are therefore rewritten after every run (one pwrite and a truncate on a descriptor
 * kept open), so that they are whole whenever the worker stops. Sample and finding inputs
 * are written to a temporary name and renamed.
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ClauseId } from '../../../spec/clauses.js';
import type { Verdict } from '../../verdicts/case-result.js';
import type { FuzzInput } from '../pbt/arbitraries/fuzz-input.js';
import type { CampaignStatistics } from '../pbt/campaign.js';
import { familyOf } from '../pbt/failure-signature.js';
import type { InputRun } from '../pbt/run-input.js';

/** Files of a worker's directory. */
export const TALLY_FILE = 'tally.json';
export const SAMPLES_DIR = 'samples';
export const FINDINGS_DIR = 'findings';

/** A finding as the worker recorded it (`<n>.json` beside `<n>.input`). */
export interface FindingRecord {
  readonly signature: string;
  readonly property: string;
  /** The worker's runs up to and including this one. */
  readonly runs: number;
  /** Milliseconds from the campaign's start. */
  readonly ms: number;
}

/** A sample as the worker recorded it (`<n>.json` beside `<n>.input`). */
export interface SampleRecord {
  readonly key: string;
}

const MAX_SAMPLES = 20;
const emptyCounts = (): Record<Verdict, number> => ({ pass: 0, fail: 0, 'non-strict': 0, info: 0, error: 0, skipped: 0 });

/** The statistics of a worker that has not run anything. */
export function emptyStatistics(): CampaignStatistics {
  return { runs: 0, execs: 0, ms: 0, verdicts: emptyCounts(), families: {}, clauses: {} };
}

export class WorkerTally {
  readonly statistics = emptyStatistics();
  private readonly fd: number;
  private readonly samples = new Set<string>();
  private readonly findings = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly startedAt: number,
  ) {
    mkdirSync(join(dir, SAMPLES_DIR), { recursive: true });
    mkdirSync(join(dir, FINDINGS_DIR), { recursive: true });
    this.fd = openSync(join(dir, TALLY_FILE), 'w', 0o600);
  }

  /** Count a judged run; keep its input when it is the first of its kind. */
  count(input: FuzzInput, run: InputRun, data: Uint8Array): void {
    const { statistics } = this;
    statistics.runs += 1;
    statistics.execs += 1;
    statistics.ms = Date.now() - this.startedAt;
    const { verdict } = run.result;
    statistics.verdicts[verdict] += 1;
    (statistics.families[familyOf(input)] ??= emptyCounts())[verdict] += 1;
    for (const clause of new Set<ClauseId>(run.exercised)) statistics.clauses[clause] = (statistics.clauses[clause] ?? 0) + 1;
    if ((verdict === 'non-strict' || verdict === 'info' || verdict === 'error') && this.samples.size < MAX_SAMPLES) {
      const key = `${verdict}:${run.result.violations[0]?.clause ?? run.result.notes[0]?.slice(0, 60) ?? ''}`;
      if (!this.samples.has(key)) {
        this.samples.add(key);
        this.keep(join(this.dir, SAMPLES_DIR, String(this.samples.size)), data, { key } satisfies SampleRecord);
      }
    }
    const text = Buffer.from(JSON.stringify(statistics));
    writeSync(this.fd, text, 0, text.length, 0);
    ftruncateSync(this.fd, text.length);
  }

  /** Record a failure; true when its signature is new to this worker. */
  found(signature: string, run: InputRun, data: Uint8Array): boolean {
    if (this.findings.has(signature)) return false;
    this.findings.add(signature);
    const record: FindingRecord = { signature, property: run.property!, runs: this.statistics.runs, ms: Date.now() - this.startedAt };
    this.keep(join(this.dir, FINDINGS_DIR, String(this.findings.size)), data, record);
    return true;
  }

  close(): void {
    closeSync(this.fd);
  }

  private keep(stem: string, data: Uint8Array, record: object): void {
    writeFileSync(`${stem}.input.tmp`, data);
    renameSync(`${stem}.input.tmp`, `${stem}.input`);
    writeFileSync(`${stem}.json.tmp`, JSON.stringify(record));
    renameSync(`${stem}.json.tmp`, `${stem}.json`);
  }
}
