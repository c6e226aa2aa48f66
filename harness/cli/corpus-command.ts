/**
 * `qfc corpus add FILE --category C [--id ID] [--title T] [--clauses a,b] [--profile P]
 * [--bytes-limit N] [--files-limit N] [--provenance TEXT]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES, type Profile } from '../adapters/implementation.js';
import { CATALOGUE } from '../catalogue/index.js';
import { addToCorpus } from '../corpus/add-to-corpus.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { UsageError, type ParsedArguments } from './arguments.js';

export const CORPUS_USAGE = `usage: qfc corpus add FILE --category CATEGORY [--id ID] [--title TEXT] [--clauses ID,ID...]
                      [--profile default|allow-all-names|unsafe-symlinks] [--bytes-limit N] [--files-limit N]
                      [--provenance TEXT] [--corpus DIR]`;
export const CORPUS_VALUES = ['--category', '--id', '--title', '--clauses', '--profile', '--bytes-limit', '--files-limit', '--provenance', '--corpus'];

function limit(value: string | undefined, flag: string): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,20}$/.test(value)) throw new UsageError(`${flag} takes a whole number, not '${value}'`);
  return BigInt(value);
}

export function corpusCommand(args: ParsedArguments): string {
  const [verb, file, ...extra] = args.positional;
  if (verb !== 'add' || file === undefined || extra.length > 0) throw new UsageError(CORPUS_USAGE);
  const category = args.value('--category');
  if (category === undefined) throw new UsageError('qfc corpus add needs --category');
  const profile = args.value('--profile') ?? 'default';
  if (!PROFILES.includes(profile as Profile)) throw new UsageError(`--profile is one of ${PROFILES.join(', ')}`);
  let stream: Uint8Array;
  try {
    stream = new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const clauses = args.value('--clauses')?.split(',').map((clause) => clause.trim()).filter(Boolean);
  const bytes = limit(args.value('--bytes-limit'), '--bytes-limit');
  const files = limit(args.value('--files-limit'), '--files-limit');
  const title = args.value('--title');
  const id = args.value('--id');
  const provenance = args.value('--provenance');
  const result = addToCorpus(
    {
      stream,
      sourceName: file,
      category,
      profile: profile as Profile,
      ...(id === undefined ? {} : { id }),
      ...(title === undefined ? {} : { title }),
      ...(clauses === undefined ? {} : { clauses }),
      ...(provenance === undefined ? {} : { provenance }),
      limits: { ...(bytes === undefined ? {} : { bytes }), ...(files === undefined ? {} : { files }) },
    },
    args.value('--corpus') ?? join(PACKAGE_ROOT, 'corpus'),
    new Set(CATALOGUE.map((testCase) => testCase.id)),
  );
  return result.added ? `added ${result.id}: ${result.path}` : `already in the corpus as ${result.id}: ${result.path} (nothing written)`;
}
