/**
 * What `qfc fuzz` options decide, for either engine: the implementation and how its runs
 * are executed (in-process, in sandbox lanes, or on the slow path), the properties that
 * count, the baseline receiver, and the shape of the inputs. The Jazzer.js workers call it
 * with the same arguments as the campaign that started them, so that both sides run and
 * judge an input the same way.
 */
import { accessSync, chmodSync, constants, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referenceImplementation, shellCommand } from '../adapters/bundled-implementations.js';
import { programProblem } from '../adapters/find-program.js';
import { UPSTREAM_PROFILE_ARGS, type Implementation } from '../adapters/implementation.js';
import { runReferenceSenderInProcess } from '../certify/reference-sender-in-process.js';
import { runReceiverProgram } from '../certify/run-receiver-case.js';
import { runSenderPrograms } from '../certify/run-sender-case.js';
import { openLanes, visiblePaths, type RunSettings } from '../certify/run-settings.js';
import type { FuzzInputShape } from '../engines/pbt/arbitraries/fuzz-input.js';
import { inProcessPair, runReferencePairInProcess } from '../engines/pbt/execution/in-process-pair.js';
import { inProcessReceiver, runReferenceReceiverInProcess } from '../engines/pbt/execution/in-process-receiver.js';
import type { UnpackFunction } from '../adapters/receiver-module.js';
import { PROPERTIES, type PropertyId } from '../engines/pbt/properties.js';
import type { EngineRunner } from '../engines/pbt/run-input.js';
import { removeTree } from '../sandbox/sandbox-root.js';
import { TrashBin } from '../sandbox/trash-bin.js';
import { UsageError, type ParsedArguments } from './arguments.js';
import { anchoredCommand, checkPrograms, confinementOf, implementationOf, oracleOf, ownerOf, profileOf } from './implementation-options.js';

/** `qfc fuzz` flags and valued options (the workers parse their arguments with the same lists). */
export const FUZZ_FLAGS = ['--process', '--strict', '--keep-going', '--no-sandbox', '--slow-path', '--help'];
export const FUZZ_VALUES = ['--engine', '--seconds', '--runs', '--seed', '--receiver', '--sender', '--impl', '--profile', '--property', '--jobs', '--shrink-seconds', '--corpus', '--out', '--uid', '--gid', '--time-limit', '--memory-limit', '--bind-ro', '--oracle', '--baseline-receiver', '--replay', '--corpus-dir', '--dict', '--input'];

function propertiesOf(args: ParsedArguments): Set<PropertyId> {
  const asked = args.values('--property');
  // The baseline property exists only against a baseline receiver.
  const known = PROPERTIES.map((property) => property.id).filter((id) => id !== 'baseline' || args.value('--baseline-receiver') !== undefined);
  for (const id of asked) if (!known.includes(id as PropertyId)) throw new UsageError(`--property is one of ${known.join(', ')}, not '${id}'`);
  return new Set(asked.length === 0 ? known : (asked as PropertyId[]));
}

/** A directory for the campaign's sandboxes: memory-backed for in-process runs when /dev/shm can take it. */
export function sandboxBase(inProcess: boolean): string {
  let parent = tmpdir();
  if (inProcess) {
    try {
      accessSync('/dev/shm', constants.W_OK);
      parent = '/dev/shm';
    } catch {
      // no writable /dev/shm: the temporary directory will do
    }
  }
  const base = mkdtempSync(join(parent, 'qfc-fuzz-'));
  chmodSync(base, 0o755); // a program run with --uid must reach its sandbox through it
  return base;
}

/** What a campaign runs and how, as `qfc fuzz` options decide it. */
export interface CampaignSetup {
  readonly implementation: Implementation;
  readonly runner: EngineRunner;
  readonly shape: FuzzInputShape;
  readonly inProcess: boolean;
  readonly owner: { uid: number; gid: number } | null;
  readonly profile: string;
  readonly base: string;
}

/**
 * Set a campaign up from `qfc fuzz` arguments. `givenBase` is where its sandboxes go (a new
 * directory by default); `receiverModule`, the implementation's receiver loaded as a module
 * (the Jazzer.js engine), replaces its receiver program for streams and for round trips
 * with the reference sender.
 */
export function setUpFuzz(args: ParsedArguments, givenBase?: string, receiverModule: UnpackFunction | null = null): CampaignSetup {
  if (args.positional.length > 0) throw new UsageError(`qfc fuzz takes no positional argument ('${args.positional[0]}'); see qfc fuzz --help`);
  const own = args.value('--impl') !== undefined || args.value('--receiver') !== undefined || args.value('--sender') !== undefined;
  const implementation = implementationOf(args);
  const inProcess = !own && !args.flag('--process');
  const owner = ownerOf(args);
  if (inProcess && owner !== null) throw new UsageError('--uid runs programs as another user: add --process');
  if (!inProcess) checkPrograms(implementation);
  const profile = profileOf(args);
  const properties = propertiesOf(args);
  const confinement = inProcess ? 'none' : confinementOf(args);
  const reference = referenceImplementation();
  const base = givenBase ?? sandboxBase(inProcess);
  const plain: RunSettings = { implementation, reference, confinement, base, owner, keepSandboxes: false, visiblePaths: visiblePaths([implementation, reference]), oracle: oracleOf(args) };
  const slowPath = args.flag('--slow-path');
  // In-process, only qfc's own code writes in the sandboxes: they can go in the background.
  const settings: RunSettings = { ...plain, lanes: openLanes(plain, slowPath), referenceInProcess: !slowPath, trash: inProcess ? new TrashBin(base) : null };
  const baselineCommand = args.value('--baseline-receiver');
  let baseline: EngineRunner['baseline'];
  if (baselineCommand !== undefined) {
    const program = anchoredCommand(baselineCommand.trim());
    const first = /^\S+/.exec(program)?.[0];
    const problem = first !== undefined && first.includes('/') ? programProblem(first) : null;
    if (problem !== null) throw new UsageError(`cannot run the baseline receiver: ${problem}`);
    const baselineImplementation: Implementation = {
      ...implementation,
      name: `baseline: ${baselineCommand}`,
      receiver: { argv: shellCommand(program, 'qfc-baseline'), profiles: UPSTREAM_PROFILE_ARGS, timeResolution: implementation.receiver?.timeResolution ?? 'ns' },
      sender: null,
      openInVm: null,
    };
    const baselineConfinement = confinementOf(args);
    const baselineSettings: RunSettings = { ...plain, implementation: baselineImplementation, confinement: baselineConfinement, visiblePaths: visiblePaths([baselineImplementation, reference]) };
    baseline = {
      settings: { ...baselineSettings, lanes: openLanes(baselineSettings, slowPath) },
      receiver: runReceiverProgram,
    };
  }
  const runner: EngineRunner = {
    ...(baseline === undefined ? {} : { baseline }),
    settings,
    receiver: inProcess ? runReferenceReceiverInProcess : receiverModule !== null ? inProcessReceiver(receiverModule) : runReceiverProgram,
    // Without a sender of its own the implementation meets the reference sender, whose stream
    // qfc computes in-process: no program start it can avoid.
    pair: inProcess
      ? runReferencePairInProcess
      : implementation.sender === null && receiverModule !== null
        ? inProcessPair(receiverModule)
        : implementation.sender === null && !slowPath
          ? runReferenceSenderInProcess
          : runSenderPrograms,
    strict: args.flag('--strict'),
    properties,
  };
  const senderUid = owner?.uid ?? process.getuid?.() ?? 0;
  const shape: FuzzInputShape = {
    receiverStreams: implementation.receiver !== null,
    roundTrips: implementation.receiver !== null || implementation.sender !== null,
    profile,
    specials: ['fifo', 'socket', 'char-device', 'block-device'],
    ownerCanRead: senderUid !== 0,
  };
  return { implementation, runner, shape, inProcess, owner, profile: profile ?? 'all', base };
}

/** Close what a campaign set up (its lanes, its background removals, its sandboxes); a note per problem. */
export function tearDownFuzz(setup: CampaignSetup): string[] {
  const problems = [...(setup.runner.settings.lanes?.close() ?? []), ...(setup.runner.baseline?.settings.lanes?.close() ?? []), setup.runner.settings.trash?.empty() ?? null, removeTree(setup.base)];
  return problems.filter((problem): problem is string => problem !== null);
}
