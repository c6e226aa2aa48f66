/**
 * How an implementation's receiver takes the byte and file limits (INTERPRETING.md §1): as
 * environment variables (QFC_BYTES_LIMIT / QFC_FILES_LIMIT by default), as arguments, or not
 * at all. A case with a limit the receiver cannot take is `skipped`, never failed: the real
 * upstream CLI has no way to take limits, and unpacking everything is then what it must do.
 */

/** One limit: arguments with `{}` standing for the decimal value, or an environment variable. */
export type LimitPassing = { readonly args: readonly string[] } | { readonly env: string };

/** Both limits; a null member is a limit the receiver does not take. Null as a whole: none. */
export type LimitsContract = { readonly bytes: LimitPassing | null; readonly files: LimitPassing | null } | null;

/** Contract 1's way, and the reference receiver's. */
export const ENVIRONMENT_LIMITS: LimitsContract = { bytes: { env: 'QFC_BYTES_LIMIT' }, files: { env: 'QFC_FILES_LIMIT' } };

/** The arguments and variables that give a receiver `limits`, or why it cannot take them. */
export function passLimits(contract: LimitsContract, limits: { readonly bytes?: bigint; readonly files?: bigint }): { readonly args: string[]; readonly env: Record<string, string> } | { readonly skip: string } {
  const args: string[] = [];
  const env: Record<string, string> = {};
  for (const kind of ['bytes', 'files'] as const) {
    const value = limits[kind];
    if (value === undefined) continue;
    const passing = contract === null ? null : contract[kind];
    if (passing === null) return { skip: `the receiver takes no ${kind === 'bytes' ? 'byte' : 'file'} limit (its manifest's "limits")` };
    if ('env' in passing) env[passing.env] = String(value);
    else args.push(...passing.args.map((arg) => arg.replaceAll('{}', String(value))));
  }
  return { args, env };
}
