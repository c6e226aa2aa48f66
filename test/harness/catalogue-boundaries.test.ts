/**
 * The catalogue lint for numeric boundaries: every boundary named in spec/constants.ts and
 * PROTOCOL (name and component lengths, the namelen cap, link target lengths, the `..`
 * budget's neighbours aside, the filelen sign bit, the nanosecond range and the two kernel
 * magic values, u32 and signed-32 seconds) has catalogue streams at it, just below it and
 * just above it, in the field it bounds. A boundary a new constant adds without cases fails
 * here, naming the values no stream carries.
 */
import { describe, expect, it } from 'vitest';
import { RECEIVER_CASES } from '../../harness/catalogue/index.js';
import { SANDBOX_ALIAS } from '../../harness/sandbox/run-contained.js';
import type { SandboxPaths } from '../../harness/sandbox/sandbox-root.js';
import { MAX_FILE_LENGTH, MAX_NAME_LENGTH, MAX_NSEC, NAME_MAX, PATH_MAX, S_IFLNK, S_IFMT, U32_MAX, UTIME_NOW, UTIME_OMIT } from '../../spec/constants.js';
import { tokenize } from '../../spec/tokenizer/tokenize.js';

type Field = 'namelen' | 'component' | 'linkTarget' | 'filelen' | 'nsec' | 'seconds';

/** Each boundary: the field it bounds and the values that must appear there. */
const BOUNDARIES: readonly { readonly name: string; readonly field: Field; readonly values: readonly (number | bigint)[] }[] = [
  { name: 'namelen cap (MAX_NAME_LENGTH + NUL)', field: 'namelen', values: [MAX_NAME_LENGTH, MAX_NAME_LENGTH + 1, MAX_NAME_LENGTH + 2] },
  { name: 'NAME_MAX', field: 'component', values: [NAME_MAX - 1, NAME_MAX, NAME_MAX + 1] },
  { name: 'PATH_MAX (link target)', field: 'linkTarget', values: [PATH_MAX - 1, PATH_MAX, PATH_MAX - 2] },
  { name: 'link target cap', field: 'linkTarget', values: [MAX_NAME_LENGTH, MAX_NAME_LENGTH + 1] },
  { name: 'filelen sign bit', field: 'filelen', values: [MAX_FILE_LENGTH - 1n, MAX_FILE_LENGTH, MAX_FILE_LENGTH + 1n] },
  { name: 'nanosecond range', field: 'nsec', values: [MAX_NSEC - 1, MAX_NSEC, MAX_NSEC + 1] },
  { name: 'UTIME_OMIT and UTIME_NOW', field: 'nsec', values: [UTIME_OMIT, UTIME_NOW] },
  { name: 'u32 nanoseconds', field: 'nsec', values: [U32_MAX] },
  { name: 'signed 32-bit seconds', field: 'seconds', values: [2 ** 31 - 1, 2 ** 31] },
  { name: 'u32 seconds', field: 'seconds', values: [U32_MAX] },
];

const SANDBOX: SandboxPaths = { root: SANDBOX_ALIAS, target: `${SANDBOX_ALIAS}/target`, outside: `${SANDBOX_ALIAS}/outside`, source: `${SANDBOX_ALIAS}/source` };

/** Every value each field takes in some catalogue stream (as strings: bigints and numbers alike). */
function observed(): Record<Field, Set<string>> {
  const seen: Record<Field, Set<string>> = { namelen: new Set(), component: new Set(), linkTarget: new Set(), filelen: new Set(), nsec: new Set(), seconds: new Set() };
  for (const testCase of RECEIVER_CASES) {
    for (const event of tokenize(testCase.stream(SANDBOX))) {
      if (event.kind === 'header') {
        const { header } = event;
        seen.namelen.add(String(header.namelen));
        seen.filelen.add(String(header.filelen));
        for (const nsec of [header.atimeNsec, header.mtimeNsec]) seen.nsec.add(String(nsec));
        for (const seconds of [header.atime, header.mtime]) seen.seconds.add(String(seconds));
        // A link's filelen is its target's length, even where the target is never read (past the cap).
        if ((header.mode & S_IFMT) === S_IFLNK) seen.linkTarget.add(String(header.filelen));
      } else if (event.kind === 'name') {
        for (const component of Buffer.from(event.name).toString('latin1').split('/')) seen.component.add(String(component.length));
      } else if (event.kind === 'link-target') {
        seen.linkTarget.add(String(event.target.length));
      }
    }
  }
  return seen;
}

describe('the catalogue lint for numeric boundaries', () => {
  const seen = observed();
  for (const boundary of BOUNDARIES) {
    it(`has streams at, below and above ${boundary.name}`, () => {
      const missing = boundary.values.filter((value) => !seen[boundary.field].has(String(value)));
      expect(missing.map(String), `${boundary.field} values no catalogue stream carries`).toEqual([]);
    });
  }
});
