/**
 * The suite lints itself: ids unique and kebab-case, every cited clause exists, every MUST
 * clause has a case, every corpus file has its metadata, and every pinned or stored
 * expectation still agrees with the spec.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../spec/byte-string.js';
import { CLAUSES, findClause } from '../../spec/clauses.js';
import { predict } from '../../spec/model/predict.js';
import { CATALOGUE, RECEIVER_CASES, SENDER_CASES, EDITOR_CASES } from '../../harness/catalogue/index.js';
import { profileOptions } from '../../harness/certify/run-receiver-case.js';
import { expectationOf } from '../../harness/corpus/corpus-entry.js';
import { readCorpus } from '../../harness/corpus/read-corpus.js';
import type { SandboxPaths } from '../../harness/sandbox/sandbox-root.js';

const CORPUS = new URL('../../corpus', import.meta.url).pathname;
const corpus = readCorpus([CORPUS], CORPUS);
const ALL = [...CATALOGUE, ...corpus.cases];
const SANDBOX: SandboxPaths = { root: '/s', target: '/s/target', outside: '/s/outside', source: '/s/source' };

describe('the catalogue and the corpus', () => {
  it('are big enough: at least 150 receiver and 20 sender cases, and the OpenInVM pair', () => {
    expect(RECEIVER_CASES.length + corpus.cases.length).toBeGreaterThanOrEqual(150);
    expect(RECEIVER_CASES.length).toBeGreaterThanOrEqual(150);
    expect(SENDER_CASES.length).toBeGreaterThanOrEqual(20);
    expect(EDITOR_CASES.length).toBeGreaterThanOrEqual(8);
  });

  it('have unique kebab-case ids and categories', () => {
    const ids = ALL.map((testCase) => testCase.id);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    for (const testCase of ALL) {
      expect(testCase.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(testCase.category).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(testCase.title.length).toBeGreaterThan(5);
    }
  });

  it('cite only clauses that exist, at least one each', () => {
    for (const testCase of ALL) {
      expect(testCase.clauses.length, testCase.id).toBeGreaterThan(0);
      for (const clause of testCase.clauses) expect(findClause(clause), `${testCase.id} cites ${clause}`).toBeDefined();
    }
  });

  it('have a case for every MUST clause', () => {
    const cited = new Set(ALL.flatMap((testCase) => testCase.clauses));
    expect(CLAUSES.filter((clause) => clause.level === 'MUST' && !cited.has(clause.id)).map((clause) => clause.id)).toEqual([]);
  });

  it('store every corpus stream with its metadata, and nothing else', () => {
    expect(corpus.problems).toEqual([]);
    expect(corpus.cases.length).toBeGreaterThanOrEqual(50);
  });

  it('pin expectations the spec agrees with', () => {
    for (const testCase of [...RECEIVER_CASES, ...corpus.cases]) {
      if (testCase.pinned === undefined) continue;
      const prediction = predict(testCase.stream(SANDBOX), {
        ...profileOptions(testCase.profile),
        bytesLimit: testCase.limits.bytes ?? 0n,
        filesLimit: testCase.limits.files ?? 0n,
      });
      expect(prediction.result.errorCode, testCase.id).toBe(testCase.pinned.errorCode);
      if (testCase.pinned.lastName !== undefined) {
        const lastName = prediction.result.lastName === null ? null : new TextDecoder('utf-8', { ignoreBOM: true }).decode(prediction.result.lastName);
        expect(lastName, testCase.id).toBe(testCase.pinned.lastName);
      }
    }
  });

  it('store corpus expectations that are still what the spec predicts', () => {
    for (const testCase of corpus.cases) {
      const stored = readCorpus([corpus.files.get(testCase.id)!], CORPUS);
      expect(stored.cases).toHaveLength(1);
      const stream = testCase.stream(SANDBOX);
      const limits = { ...(testCase.limits.bytes === undefined ? {} : { bytes: String(testCase.limits.bytes) }), ...(testCase.limits.files === undefined ? {} : { files: String(testCase.limits.files) }) };
      const expectation = expectationOf(stream, testCase.profile, limits);
      expect({ id: testCase.id, errorCode: expectation.errorCode }).toEqual({ id: testCase.id, errorCode: testCase.pinned!.errorCode });
      expect(toHex(stream).length).toBe(stream.length * 2);
    }
  });

  it('pin a key result on most receiver cases', () => {
    const pinned = RECEIVER_CASES.filter((testCase) => testCase.pinned !== undefined).length;
    expect(pinned / RECEIVER_CASES.length).toBeGreaterThan(0.8);
  });
});
