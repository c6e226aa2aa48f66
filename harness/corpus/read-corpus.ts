/**
 * Read the corpus directory: every `<category>/<behaviour>.qfc` with its `.json`, as
 * certify cases, and every problem found on the way (a stream without metadata, metadata
 * without a stream, a malformed or mismatched file).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { ReceiverCase } from '../catalogue/catalogue-case.js';
import { corpusCase, metadataProblems, streamDigest, type CorpusMetadata } from './corpus-entry.js';

export interface CorpusReading {
  readonly cases: ReceiverCase[];
  readonly problems: string[];
  /** Every stream file read, by case id. */
  readonly files: Map<string, string>;
}

function listFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path).sort().flatMap((name) => (name.startsWith('.') ? [] : listFiles(join(path, name))));
}

/** Read the corpus below each of `paths` (directories or .qfc/.json files). */
export function readCorpus(paths: readonly string[], root: string): CorpusReading {
  const cases: ReceiverCase[] = [];
  const problems: string[] = [];
  const files = new Map<string, string>();
  const all = [...new Set(paths.flatMap(listFiles))];
  for (const json of all.filter((file) => file.endsWith('.json'))) {
    if (!all.includes(json.replace(/\.json$/, '.qfc')) && !existsSync(json.replace(/\.json$/, '.qfc'))) problems.push(`${relative(root, json)}: metadata without its stream`);
  }
  for (const file of all.filter((path) => path.endsWith('.qfc'))) {
    const where = relative(root, file);
    const metaPath = file.replace(/\.qfc$/, '.json');
    if (!existsSync(metaPath)) {
      problems.push(`${where}: no metadata (${basename(metaPath)})`);
      continue;
    }
    let meta: CorpusMetadata;
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CorpusMetadata;
    } catch (error) {
      problems.push(`${where}: metadata is not JSON (${(error as Error).message})`);
      continue;
    }
    const found = metadataProblems(meta);
    const stream = new Uint8Array(readFileSync(file));
    if (found.length === 0 && meta.sha256 !== streamDigest(stream)) found.push('sha256 does not match the stream');
    if (found.length === 0 && `${meta.id}.qfc` !== basename(file)) found.push(`id ${meta.id} does not match the file name`);
    if (found.length === 0 && meta.category !== basename(dirname(file))) found.push(`category ${meta.category} does not match the directory`);
    if (found.length > 0) {
      problems.push(...found.map((problem) => `${where}: ${problem}`));
      continue;
    }
    cases.push(corpusCase(meta, stream));
    files.set(meta.id, file);
  }
  return { cases, problems, files };
}
