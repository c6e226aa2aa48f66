/**
 * Whether the first word of a command can be run, checked before a certify run so that a
 * typo costs one clear line instead of hundreds of failed cases.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** null when `program` is an executable path or found in PATH, else why not. */
export function programProblem(program: string): string | null {
  const executable = (path: string): boolean => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (program.includes('/')) return executable(program) ? null : `${program} is not an executable file`;
  const found = (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, program)));
  return found ? null : `${program} is not in PATH`;
}
