/**
 * A pbt campaign set up as `qfc fuzz --receiver` sets one up, for the benchmarks and tests
 * that run campaigns through the API: the receiver program in sandbox lanes (or, on the slow
 * path, a bubblewrap per run) meeting the reference sender in-process for round trips; or,
 * with no implementation, the reference pair in-process. Its sandboxes are made and removed
 * around the campaign.
 */
import { accessSync, chmodSync, constants, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referenceImplementation } from '../../adapters/bundled-implementations.js';
import type { Implementation } from '../../adapters/implementation.js';
import { runReferenceSenderInProcess } from '../../certify/reference-sender-in-process.js';
import { runReceiverProgram } from '../../certify/run-receiver-case.js';
import { openLanes, visiblePaths, type RunSettings } from '../../certify/run-settings.js';
import { runSenderPrograms } from '../../certify/run-sender-case.js';
import { bwrapAvailable } from '../../sandbox/run-contained.js';
import { removeTree } from '../../sandbox/sandbox-root.js';
import { TrashBin } from '../../sandbox/trash-bin.js';
import type { SpecialKind } from './arbitraries/source-tree.js';
import { runCampaign, type CampaignOptions, type CampaignResult } from './campaign.js';
import { runReferencePairInProcess } from './execution/in-process-pair.js';
import { runReferenceReceiverInProcess } from './execution/in-process-receiver.js';
import type { PropertyId } from './properties.js';
import type { EngineRunner } from './run-input.js';

/** What the campaign fuzzes, and how. */
export interface ReceiverCampaign {
  /** A receiver program's implementation, or null for the reference pair in-process. */
  readonly implementation: Implementation | null;
  readonly properties: ReadonlySet<PropertyId>;
  /** A bubblewrap per run and the reference sender as a program (`--slow-path`). */
  readonly slowPath?: boolean;
  /** Special files the source trees may hold (default: all four kinds). */
  readonly specials?: readonly SpecialKind[];
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Run the campaign; `options` are the campaign's own (seed, runs, jobs, ...). */
export async function runReceiverCampaign(setup: ReceiverCampaign, options: Omit<CampaignOptions, 'runner' | 'shape'>): Promise<CampaignResult> {
  const reference = referenceImplementation();
  const inProcess = setup.implementation === null;
  const slowPath = setup.slowPath ?? false;
  const implementation = setup.implementation ?? reference;
  // As `qfc fuzz` does: in-process sandboxes on /dev/shm when it can take them.
  const base = mkdtempSync(join(inProcess && writable('/dev/shm') ? '/dev/shm' : tmpdir(), 'qfc-campaign-'));
  chmodSync(base, 0o755);
  const plain: RunSettings = {
    implementation,
    reference,
    confinement: inProcess || !bwrapAvailable() ? 'none' : 'bwrap',
    base,
    owner: null,
    keepSandboxes: false,
    visiblePaths: visiblePaths([implementation, reference]),
    referenceInProcess: !slowPath,
  };
  const settings: RunSettings = { ...plain, lanes: inProcess ? null : openLanes(plain, slowPath), trash: inProcess ? new TrashBin(base) : null };
  const runner: EngineRunner = {
    settings,
    receiver: inProcess ? runReferenceReceiverInProcess : runReceiverProgram,
    pair: inProcess ? runReferencePairInProcess : slowPath ? runSenderPrograms : runReferenceSenderInProcess,
    strict: false,
    properties: new Set(setup.properties),
  };
  try {
    return await runCampaign({
      ...options,
      runner,
      // What `qfc fuzz` draws for a receiver: streams, and round trips through the reference sender.
      shape: { receiverStreams: true, roundTrips: true, profile: null, specials: setup.specials ?? ['fifo', 'socket', 'char-device', 'block-device'], ownerCanRead: (process.getuid?.() ?? 0) !== 0 },
    });
  } finally {
    settings.lanes?.close();
    settings.trash?.empty();
    removeTree(base);
  }
}
