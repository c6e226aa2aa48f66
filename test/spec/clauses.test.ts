/**
 * The suite lints itself: clause ids are unique and well formed, every clause the model
 * and the invariants cite exists, and every quirk position states its clause.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAUSES, findClause, type ClauseId } from '../../spec/clauses.js';
import { QUIRK_POSITIONS } from '../../spec/model/positions.js';

const SPEC = new URL('../../spec/', import.meta.url).pathname;
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('clauses', () => {
  it('make ClauseId a union of the ids, so a citation of a missing id does not compile', () => {
    const cited: ClauseId = 'name.charset';
    // @ts-expect-error -- not a clause id (npm test type-checks the tests)
    const missing: ClauseId = 'name.no-such-rule';
    expect(findClause(cited)).toBeDefined();
    expect(findClause(missing)).toBeUndefined();
  });

  it('have unique, stable kebab-case ids with a dotted group', () => {
    const ids = CLAUSES.map((clause) => clause.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('each state one requirement of a PROTOCOL section with a level', () => {
    for (const clause of CLAUSES) {
      expect(clause.section).toMatch(/^[1-8](\.\d+)?$/);
      expect(['MUST', 'SHOULD']).toContain(clause.level);
      expect(clause.requirement).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('cover every section of PROTOCOL §1–§8', () => {
    const sections = new Set(CLAUSES.map((clause) => clause.section.split('.')[0]));
    expect([...sections].sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });

  it('include every clause the spec sources cite', () => {
    const cited = sources(SPEC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/'((?:wire|result|crc|recv|limit|name|type|file|walk|dir|link|errno|sender|quirk|inv|open)\.[a-z0-9-]+)'/g)].map((m) => m[1]!),
    );
    expect(cited.length).toBeGreaterThan(30);
    for (const id of cited) expect(findClause(id), id).toBeDefined();
  });

  it('have a position for each of the six quirks, each with its own clause', () => {
    expect(QUIRK_POSITIONS.map((position) => position.quirk)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const position of QUIRK_POSITIONS) expect(findClause(position.clause)?.section).toBe(`6.${position.quirk}`);
  });

  it('find nothing for an unknown id', () => expect(findClause('name.nope')).toBeUndefined());
});

describe('spec/ stays pure', () => {
  it('no file imports the filesystem, processes, network or workers', () => {
    const forbidden = /from\s+'(node:)?(fs|fs\/promises|child_process|net|http|https|dgram|worker_threads|cluster)'/;
    for (const file of sources(SPEC)) expect(readFileSync(file, 'utf8'), file).not.toMatch(forbidden);
  });
});
