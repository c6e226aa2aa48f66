/**
 * A validated name split at its slashes: the parents to walk, then the entry's own name.
 */
const SLASH = 0x2f;

/** Components of `name` (which §3 has made free of empty, `.` and `..` components). */
export function nameComponents(name: Uint8Array): { parents: Uint8Array[]; last: Uint8Array } {
  const components: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= name.length; i++) {
    if (i === name.length || name[i] === SLASH) {
      components.push(name.subarray(start, i));
      start = i + 1;
    }
  }
  const last = components.pop()!;
  return { parents: components, last };
}
