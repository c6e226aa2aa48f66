/**
 * A small command-line parser: flags, `--name value` options and positional arguments,
 * with unknown options reported as usage errors (one line, exit 2).
 */

/** Bad usage: the message is printed as one line and qfc exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parsed arguments of one command. */
export interface ParsedArguments {
  readonly positional: readonly string[];
  flag(name: string): boolean;
  /** The option's last value. */
  value(name: string): string | undefined;
  /** Every value the option was given, in order (for repeatable options). */
  values(name: string): string[];
}

/** Parse `argv` knowing which options are flags and which take a value. */
export function parseArguments(argv: readonly string[], flags: readonly string[], valued: readonly string[]): ParsedArguments {
  const seenFlags = new Set<string>();
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
      if (flags.includes(name)) {
        if (inline !== undefined) throw new UsageError(`${name} takes no value`);
        seenFlags.add(name);
      } else if (valued.includes(name)) {
        const value = inline ?? argv[++i];
        if (value === undefined) throw new UsageError(`${name} needs a value`);
        values.set(name, [...(values.get(name) ?? []), value]);
      } else throw new UsageError(`unknown option ${name}`);
    } else positional.push(arg);
  }
  return {
    positional,
    flag: (name) => seenFlags.has(name),
    value: (name) => values.get(name)?.at(-1),
    values: (name) => values.get(name) ?? [],
  };
}
