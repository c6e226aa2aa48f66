/**
 * Which cases a run takes: `--only` globs over ids (or category/id), `--profile`, and SHOULD
 * cases only with `--strict`.
 */
import { findClause } from '../../spec/clauses.js';
import type { Profile } from '../adapters/implementation.js';
import type { CatalogueCase } from '../catalogue/catalogue-case.js';

/** A glob with `*` and `?` as a regular expression (case selection, expectations). */
export function globPattern(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** True when every clause the case cites is a SHOULD (it only counts in strict runs). */
export function onlyShould(testCase: CatalogueCase): boolean {
  return testCase.clauses.length > 0 && testCase.clauses.every((id) => findClause(id)?.level === 'SHOULD');
}

export interface Selection {
  readonly only: readonly string[];
  readonly profile: Profile | null;
  readonly strict: boolean;
}

/** The cases of `all` the selection keeps, in catalogue order. */
export function selectCases(all: readonly CatalogueCase[], selection: Selection): CatalogueCase[] {
  const patterns = selection.only.map(globPattern);
  return all.filter((testCase) => {
    if (patterns.length > 0 && !patterns.some((pattern) => pattern.test(testCase.id) || pattern.test(`${testCase.category}/${testCase.id}`))) return false;
    if (selection.profile !== null && testCase.kind === 'receiver' && testCase.profile !== selection.profile) return false;
    return selection.strict || !onlyShould(testCase);
  });
}
