/**
 * `qfc corpus add`: store a stream as a corpus case with the expectation the spec gives it,
 * unless the same bytes are already there under the same profile and limits. Both files are written under temporary names
 * and renamed into place, metadata first, so a crash never leaves a half-written case.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ClauseId } from '../../spec/clauses.js';
import { findClause } from '../../spec/clauses.js';
import { predict } from '../../spec/model/predict.js';
import type { Profile } from '../adapters/implementation.js';
import { profileOptions } from '../certify/run-receiver-case.js';
import { expectationOf, KEBAB, streamDigest, type CorpusFinding, type CorpusMetadata } from './corpus-entry.js';
import { readCorpus } from './read-corpus.js';

export interface CorpusAddition {
  readonly stream: Uint8Array;
  readonly sourceName: string;
  readonly category: string;
  readonly id?: string;
  readonly title?: string;
  readonly clauses?: readonly string[];
  readonly profile: Profile;
  readonly limits?: { readonly bytes?: bigint; readonly files?: bigint };
  readonly provenance?: string;
  readonly finding?: CorpusFinding;
}

/** A corpus addition that cannot be made; the message is one line. */
export class CorpusError extends Error {
  override readonly name = 'CorpusError';
}

/** A kebab-case id from a file name. */
export function idFromName(name: string): string {
  return basename(name).replace(/\.[^.]*$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'stream';
}

/** Add `addition` to the corpus in `corpusDir`; `takenIds` are the catalogue's ids. */
export function addToCorpus(addition: CorpusAddition, corpusDir: string, takenIds: ReadonlySet<string>): { added: boolean; id: string; path: string } {
  if (!KEBAB.test(addition.category)) throw new CorpusError(`the category must be kebab-case, not '${addition.category}'`);
  const id = addition.id ?? idFromName(addition.sourceName);
  if (!KEBAB.test(id)) throw new CorpusError(`the id must be kebab-case, not '${id}'`);
  const digest = streamDigest(addition.stream);
  const existing = readCorpus([corpusDir], corpusDir);
  // The same bytes under the same profile and limits are the same case; under others, not.
  const sameRun = (known: (typeof existing.cases)[number]): boolean =>
    known.profile === addition.profile && known.limits.bytes === addition.limits?.bytes && known.limits.files === addition.limits?.files;
  for (const known of existing.cases) {
    const file = existing.files.get(known.id)!;
    if (sameRun(known) && streamDigest(new Uint8Array(readFileSync(file))) === digest) return { added: false, id: known.id, path: file };
  }
  if (takenIds.has(id) || existing.files.has(id)) throw new CorpusError(`the id ${id} is taken: choose another with --id`);
  for (const clause of addition.clauses ?? []) if (findClause(clause) === undefined) throw new CorpusError(`unknown clause ${clause} (see qfc clauses)`);
  const limits = {
    ...(addition.limits?.bytes === undefined ? {} : { bytes: String(addition.limits.bytes) }),
    ...(addition.limits?.files === undefined ? {} : { files: String(addition.limits.files) }),
  };
  const decidedBy = predict(addition.stream, { ...profileOptions(addition.profile), bytesLimit: addition.limits?.bytes ?? 0n, filesLimit: addition.limits?.files ?? 0n }).clause;
  const metadata: CorpusMetadata = {
    id,
    category: addition.category,
    title: addition.title ?? `stream from ${basename(addition.sourceName)}`,
    clauses: (addition.clauses ?? [decidedBy]) as ClauseId[],
    profile: addition.profile,
    ...(Object.keys(limits).length === 0 ? {} : { limits }),
    expectation: expectationOf(addition.stream, addition.profile, limits),
    provenance: addition.provenance ?? `added with qfc corpus add from ${basename(addition.sourceName)} on ${new Date().toISOString().slice(0, 10)}`,
    sha256: digest,
    ...(addition.finding === undefined ? {} : { finding: addition.finding }),
  };
  const directory = join(corpusDir, addition.category);
  const stem = join(directory, id);
  const suffix = `.tmp-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(directory, { recursive: true });
    writeFileSync(`${stem}.json${suffix}`, `${JSON.stringify(metadata, null, 2)}\n`);
    writeFileSync(`${stem}.qfc${suffix}`, addition.stream);
    renameSync(`${stem}.json${suffix}`, `${stem}.json`);
    renameSync(`${stem}.qfc${suffix}`, `${stem}.qfc`);
  } catch (error) {
    // Nothing half-written stays behind: a case is its two files or nothing.
    const remove = (path: string): void => {
      try {
        rmSync(path, { force: true });
      } catch {
        // not there, or not even reachable: nothing was left there either
      }
    };
    remove(`${stem}.json${suffix}`);
    remove(`${stem}.qfc${suffix}`);
    if (existsSync(`${stem}.json`) && !existsSync(`${stem}.qfc`)) remove(`${stem}.json`);
    throw new CorpusError(`cannot write ${stem}.qfc: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return { added: true, id, path: `${stem}.qfc` };
}
