import { describe, expect, it } from 'vitest';
import { receiverCase } from '../../../harness/catalogue/catalogue-case.js';
import { onlyShould, selectCases } from '../../../harness/certify/select-cases.js';

const cases = [
  receiverCase('names', { id: 'a-name', title: 'a name case', clauses: ['file.name-valid'], stream: [] }),
  receiverCase('names', { id: 'emoji-name', title: 'an emoji case', clauses: ['name.charset'], stream: [], profile: 'allow-all-names' }),
  receiverCase('cli', { id: 'verbose-names', title: 'only a SHOULD', clauses: ['recv.verbose'], stream: [] }),
];

describe('case selection', () => {
  it('takes every MUST case by default and SHOULD-only cases in strict runs', () => {
    expect(onlyShould(cases[2]!)).toBe(true);
    expect(selectCases(cases, { only: [], profile: null, strict: false }).map((c) => c.id)).toEqual(['a-name', 'emoji-name']);
    expect(selectCases(cases, { only: [], profile: null, strict: true }).map((c) => c.id)).toEqual(['a-name', 'emoji-name', 'verbose-names']);
  });

  it('filters by id or category/id globs and by profile', () => {
    expect(selectCases(cases, { only: ['*-name'], profile: null, strict: false }).map((c) => c.id)).toEqual(['a-name', 'emoji-name']);
    expect(selectCases(cases, { only: ['names/a-?ame'], profile: null, strict: false }).map((c) => c.id)).toEqual(['a-name']);
    expect(selectCases(cases, { only: [], profile: 'allow-all-names', strict: false }).map((c) => c.id)).toEqual(['emoji-name']);
  });
});
