/**
 * Names of result codes for people: `EEXIST (17)`, `LEGAL_EOF (31415926)`.
 */
import { Errno, LEGAL_EOF, U32_MAX } from '../../spec/index.js';

const NAMES = new Map<number, string>([...Object.entries(Errno).map(([name, code]) => [code, name] as const), [LEGAL_EOF, 'LEGAL_EOF'], [0, 'OK']]);

/** `NAME (code)`, or the code alone; a negated errno (upstream quirk 1) is shown as such. */
export function resultCodeName(code: number): string {
  const name = NAMES.get(code);
  if (name !== undefined) return `${name} (${code})`;
  const negated = U32_MAX + 1 - code;
  const negatedName = NAMES.get(negated);
  return negatedName === undefined ? String(code) : `-${negatedName} (${code})`;
}
