/**
 * Publish a fuzz report with the stream of each stream case beside it, as a corpus entry
 * (`streams/<family>/<case>.qfc` and its `.json`: profile, limits, clauses, the spec's
 * expectation), so that `qfc replay` of that file runs exactly the stream under the same
 * settings, and the report's replay commands name it. Corpus entries rather than a new
 * format: `qfc replay` and `qfc certify`-style runs already read them.
 *
 * The report directory is known only once the report is published (`--out`, or a new
 * directory under reports/), so the report is written, then the streams into it, then the
 * report again with the commands that name them.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { findClause } from '../../../spec/clauses.js';
import type { Profile } from '../../adapters/implementation.js';
import { addToCorpus, CorpusError } from '../../corpus/add-to-corpus.js';
import type { ResultsDocument } from '../../reports/results-document.js';
import type { CaseSource } from './fuzz-case.js';
import { fuzzReport, inputLocator, reportSources, type FuzzReport, type FuzzReportInput, type StreamFiles } from './fuzz-report.js';

/** The directory of the report that holds the streams. */
export const STREAMS_DIR = 'streams';

/** Writes a report document and returns its directory (`publishReport`). */
export type Publish = (document: ResultsDocument, out: string | undefined) => string;

function keepStream(source: CaseSource, streamsDir: string, input: FuzzReportInput): string {
  if (source.input.kind !== 'stream') throw new Error('only a stream case has a stream to replay');
  const { settings, family } = source.input;
  const clauses = source.result.clauses.filter((clause) => findClause(clause) !== undefined);
  const { finding } = source;
  const added = addToCorpus(
    {
      stream: source.stream,
      sourceName: `${source.id}.qfc`,
      category: family,
      id: source.id,
      title: source.result.title,
      ...(clauses.length === 0 ? {} : { clauses }),
      profile: settings.profile as Profile,
      limits: settings.limits,
      provenance: `qfc fuzz --engine ${input.engine}, campaign seed ${input.seed}, input ${inputLocator(input.engine, source.seed, source.path)}, verdict ${source.result.verdict}, ${new Date().toISOString().slice(0, 10)}`,
      ...(finding === null
        ? {}
        : {
            finding: {
              engine: input.engine,
              property: finding.property,
              seed: finding.seed,
              path: finding.path,
              replay: `${input.replayWords.input} --replay ${inputLocator(input.engine, finding.seed, finding.path)}`,
              violations: source.result.violations,
              expected: source.result.expected,
              observed: source.result.observed,
            },
          }),
    },
    streamsDir,
    new Set(),
  );
  return added.path;
}

/** Write the report of a campaign with its streams beside it; returns the document and the directory. */
export function publishFuzzReport(input: FuzzReportInput, publish: Publish, outOption: string | undefined): { document: FuzzReport; out: string } {
  const out = publish(fuzzReport(input), outOption);
  const streamsDir = join(out, STREAMS_DIR);
  // A report written again into the same --out keeps none of the last campaign's streams.
  rmSync(streamsDir, { recursive: true, force: true });
  const files = new Map<string, string>();
  const problems = new Map<string, string>();
  for (const source of reportSources(input)) {
    if (source.input.kind !== 'stream') continue;
    try {
      files.set(source.id, keepStream(source, streamsDir, input));
    } catch (error) {
      if (!(error instanceof CorpusError)) throw error;
      problems.set(source.id, error.message);
    }
  }
  const streamFiles: StreamFiles = { dir: out, files, problems };
  const document = fuzzReport({ ...input, streamFiles });
  publish(document, out);
  return { document, out };
}
