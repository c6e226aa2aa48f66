/**
 * The options certify, replay and fuzz share: which implementation (`--impl`, `--receiver`,
 * `--sender`, else the bundled reference), as whom (`--uid/--gid`), under which profile,
 * confined or not, and where the report goes.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { programProblem } from '../adapters/find-program.js';
import { readManifest } from '../adapters/read-manifest.js';
import { referenceImplementation, shellCommand } from '../adapters/bundled-implementations.js';
import { DEFAULT_MEMORY_LIMIT_MIB, DEFAULT_TIME_LIMIT_MS, PROFILES, UPSTREAM_PROFILE_ARGS, type Implementation, type Profile } from '../adapters/implementation.js';
import { PACKAGE_ROOT } from '../package-root.js';
import type { ResultsDocument } from '../reports/results-document.js';
import { pointLatest, renderReport, writeReport } from '../reports/write-report.js';
import { bwrapAvailable } from '../sandbox/run-contained.js';
import { UsageError, type ParsedArguments } from './arguments.js';
import type { Oracle } from '../verdicts/judge-receiver.js';

/** A whole-number option, refused below `minimum`. */
export function whole(value: string | undefined, flag: string, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value) || Number(value) < minimum) throw new UsageError(`${flag} takes a whole number of at least ${minimum}, not '${value}'`);
  return Number(value);
}

/**
 * A command line whose words that name an existing file relative to qfc's working
 * directory are made absolute: programs run in their target directory, where
 * `./my-unpacker` or `node test/x.mjs` would name nothing. Words with shell syntax are left alone.
 */
export function anchoredCommand(command: string): string {
  return command
    .split(/(\s+)/)
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) && !isAbsolute(word) && word.includes('/') && existsSync(word) ? resolve(word) : word))
    .join('');
}

/** The implementation the options name. */
export function implementationOf(args: ParsedArguments): Implementation {
  const receiver = args.value('--receiver');
  const sender = args.value('--sender');
  const manifest = args.value('--impl');
  if (manifest !== undefined && (receiver !== undefined || sender !== undefined)) throw new UsageError('--impl cannot be combined with --receiver or --sender');
  const commands = { receiver: receiver === undefined ? undefined : anchoredCommand(receiver.trim()), sender: sender === undefined ? undefined : anchoredCommand(sender.trim()) };
  for (const [role, command] of Object.entries(commands)) {
    // The shell starts anything; a program named by path that is not there is a typo worth one line.
    const program = command === undefined ? undefined : /^\S+/.exec(command)?.[0];
    if (program !== undefined && program.includes('/') && /^[\w@%+=:,./-]+$/.test(program)) {
      const problem = programProblem(program);
      if (problem !== null) throw new UsageError(`cannot run the ${role}: ${problem}`);
    }
  }
  let implementation: Implementation;
  if (manifest !== undefined) implementation = readManifest(manifest);
  else if (receiver !== undefined || sender !== undefined) {
    implementation = {
      name: [receiver === undefined ? null : `receiver: ${receiver}`, sender === undefined ? null : `sender: ${sender}`].filter(Boolean).join(', '),
      receiver: commands.receiver === undefined ? null : { argv: shellCommand(commands.receiver, 'qfc-receiver'), profiles: UPSTREAM_PROFILE_ARGS, timeResolution: 'ns' },
      sender: commands.sender === undefined ? null : { argv: shellCommand(commands.sender, 'qfc-sender'), ignoreSymlinks: ['--ignore-symlinks'] },
      openInVm: null,
      timeLimitMs: DEFAULT_TIME_LIMIT_MS,
      memoryLimitMiB: DEFAULT_MEMORY_LIMIT_MIB,
      bindRo: [],
    };
  } else implementation = referenceImplementation();
  const timeLimit = whole(args.value('--time-limit'), '--time-limit', 100);
  const memoryLimit = whole(args.value('--memory-limit'), '--memory-limit', 16);
  const bindRo = args.values('--bind-ro').map((path) => {
    if (!existsSync(path)) throw new UsageError(`--bind-ro: no such file or directory: ${path}`);
    return resolve(path);
  });
  return {
    ...implementation,
    ...(timeLimit === undefined ? {} : { timeLimitMs: timeLimit }),
    ...(memoryLimit === undefined ? {} : { memoryLimitMiB: memoryLimit }),
    bindRo: [...implementation.bindRo, ...bindRo],
  };
}

/** `--uid/--gid`, or null to run the programs as qfc's own user. */
export function ownerOf(args: ParsedArguments): { uid: number; gid: number } | null {
  const uid = whole(args.value('--uid'), '--uid', 0);
  const gid = whole(args.value('--gid'), '--gid', 0);
  if (uid === undefined && gid === undefined) return null;
  if (uid === undefined) throw new UsageError('--gid needs --uid');
  if (process.getuid?.() !== 0) throw new UsageError('--uid needs qfc to run as root');
  return { uid, gid: gid ?? uid };
}

/** `--oracle`: the prediction runs are judged against (default the spec). */
export function oracleOf(args: ParsedArguments): Oracle {
  const oracle = args.value('--oracle') ?? 'spec';
  if (oracle !== 'spec' && oracle !== 'upstream') throw new UsageError(`--oracle is spec or upstream, not '${oracle}'`);
  return oracle;
}

/** `--profile`, or null for all. */
export function profileOf(args: ParsedArguments): Profile | null {
  const profile = args.value('--profile');
  if (profile === undefined) return null;
  if (!PROFILES.includes(profile as Profile)) throw new UsageError(`--profile is one of ${PROFILES.join(', ')}, not '${profile}'`);
  return profile as Profile;
}

/** Refuse an implementation whose programs cannot be started at all. */
export function checkPrograms(implementation: Implementation): void {
  const programs: [string, readonly string[] | undefined][] = [
    ['receiver', implementation.receiver?.argv],
    ['sender', implementation.sender?.argv],
    ['OpenInVM client', implementation.openInVm?.client],
    ['OpenInVM server', implementation.openInVm?.server],
  ];
  for (const [role, argv] of programs) {
    const problem = argv === undefined ? null : programProblem(argv[0]!);
    if (problem !== null) throw new UsageError(`cannot run the ${role}: ${problem}`);
  }
}

/** bwrap unless `--no-sandbox` or bwrap is missing, in which case the user is warned loudly. */
export function confinementOf(args: ParsedArguments): 'bwrap' | 'none' {
  if (!args.flag('--no-sandbox') && bwrapAvailable()) return 'bwrap';
  const why = args.flag('--no-sandbox') ? 'as asked (--no-sandbox)' : 'bwrap is not available (apt-get install bubblewrap)';
  process.stderr.write(`\n*** WARNING: running the implementation UNCONFINED, ${why}: it can write anywhere you can. ***\n\n`);
  return 'none';
}

/** Write the report into `--out`, or a new directory under reports/ that `reports/latest` then points at; returns the directory. */
export function publishReport(document: ResultsDocument, outOption: string | undefined): string {
  const reportsDir = join(PACKAGE_ROOT, 'reports');
  const stamp = document.run.startedAt.replace(/[:.]/g, '-');
  const kind = document.engine === undefined ? '' : 'fuzz-';
  const name = document.implementation.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40).replace(/^-+|-+$/g, '');
  const out = resolve(outOption ?? join(reportsDir, `${stamp}-${kind}${name}`));
  writeReport(out, renderReport(document));
  if (resolve(out, '..') === reportsDir) pointLatest(reportsDir, out);
  return out;
}
