/**
 * Both engines against the broken receivers, a section of `npm run bench` (`--only engines`):
 * for each flaw of the naive test receiver (run as a program in the sandbox, as
 * `qfc fuzz --receiver` runs it) and each of three seeds, a pbt campaign and a Jazzer.js
 * campaign with the same budget of runs, one lane or worker each, checking the property the
 * flaw breaks. Each prints the runs and seconds to its first finding and its execs/s.
 *
 * The seconds include what a user waits for: for Jazzer.js, starting its worker and
 * running the seed corpus (the catalogue's streams), which is also where it finds most
 * flaws; every Jazzer.js campaign starts from a fresh corpus directory, so no campaign
 * inherits another's findings. Shrinking is cut short: it is not what is measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArguments } from '../cli/arguments.js';
import { FUZZ_FLAGS, FUZZ_VALUES, setUpFuzz, tearDownFuzz } from '../cli/fuzz-setup.js';
import { runJazzerCampaign } from '../engines/jazzer/jazzer-campaign.js';
import { runCampaign, type CampaignResult } from '../engines/pbt/campaign.js';
import type { PropertyId } from '../engines/pbt/properties.js';
import { FLAWS, NAIVE_RECEIVER } from './time-to-find.js';

export const ENGINE_SEEDS = [1, 2, 3] as const;
const ENGINES = ['pbt', 'jazzer'] as const;
type Engine = (typeof ENGINES)[number];

/** One campaign's outcome. */
export interface EngineCampaign {
  readonly engine: Engine;
  readonly flaw: string;
  readonly seed: number;
  readonly runsToFind: number | null;
  readonly secondsToFind: number | null;
  readonly runs: number;
  readonly execsPerSecond: number;
}

/** The `qfc fuzz` words of a campaign against `flaw` (a hanging receiver gets a short time limit). */
function campaignWords(flaw: string, property: PropertyId): string[] {
  return ['--receiver', `${process.execPath} ${NAIVE_RECEIVER} ${flaw}`, '--property', property, ...(flaw === 'hang' ? ['--time-limit', '1000'] : [])];
}

async function campaign(engine: Engine, flaw: string, property: PropertyId, seed: number, runs: number): Promise<EngineCampaign> {
  const words = campaignWords(flaw, property);
  const setup = setUpFuzz(parseArguments(words, FUZZ_FLAGS, FUZZ_VALUES));
  const scratch = mkdtempSync(join(tmpdir(), 'qfc-bench-engines-'));
  let result: CampaignResult;
  try {
    result =
      engine === 'pbt'
        ? await runCampaign({ runner: setup.runner, shape: setup.shape, seed, runs, ms: null, jobs: 1, keepGoing: false, shrinkMs: 1 })
        : await runJazzerCampaign({
            setup,
            workerArgs: words,
            seed,
            runs,
            ms: null,
            jobs: 1,
            keepGoing: false,
            shrinkMs: 1,
            corpusDir: join(scratch, 'corpus'),
            inputsDir: join(scratch, 'inputs'),
            dictionary: null,
            mode: 'structured',
            receiverModule: null,
          });
  } finally {
    tearDownFuzz(setup);
    rmSync(scratch, { recursive: true, force: true });
  }
  const finding = result.findings[0];
  const { statistics } = result;
  return {
    engine,
    flaw,
    seed,
    runsToFind: finding?.runsToFind ?? null,
    secondsToFind: finding === undefined ? null : finding.msToFind / 1000,
    runs: statistics.runs,
    execsPerSecond: statistics.ms > 0 ? statistics.runs / (statistics.ms / 1000) : 0,
  };
}

const cell = (found: EngineCampaign): string => (found.runsToFind === null ? `- (${found.runs})` : `${found.runsToFind} / ${found.secondsToFind!.toFixed(1)} s`);

/** Run the section, printing a line per flaw; every campaign's outcome. */
export async function engineEffectivenessSection(maxRuns: number, print: (line: string) => void): Promise<EngineCampaign[]> {
  print(`engines: pbt and jazzer against each naive-receiver flaw, one lane or worker, at most ${maxRuns} runs, seeds ${ENGINE_SEEDS.join(', ')}`);
  print(`  runs / seconds to the first finding per seed ("-" not found, runs run in brackets), then the mean execs/s`);
  const all: EngineCampaign[] = [];
  for (const [flaw, property] of FLAWS) {
    const columns: string[] = [];
    for (const engine of ENGINES) {
      const row: EngineCampaign[] = [];
      for (const seed of ENGINE_SEEDS) row.push(await campaign(engine, flaw, property, seed, maxRuns));
      all.push(...row);
      const rate = row.reduce((sum, found) => sum + found.execsPerSecond, 0) / row.length;
      columns.push(`${engine}: ${row.map(cell).join(', ')}; ${rate.toFixed(1)} execs/s`);
    }
    print(`  ${flaw.padEnd(22)} ${columns.join('  |  ')}`);
  }
  return all;
}
