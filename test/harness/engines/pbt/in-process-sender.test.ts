/**
 * Round trips against a receiver program give the same verdicts whether the reference sender
 * runs as a program (the old path) or in-process (no program start qfc can avoid): a
 * differential test over the same generated trees, for the reference receiver and for broken
 * receivers, contained as always.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceImplementation, shellCommand } from '../../../../harness/adapters/bundled-implementations.js';
import { UPSTREAM_PROFILE_ARGS, type Implementation } from '../../../../harness/adapters/implementation.js';
import { visiblePaths } from '../../../../harness/certify/run-settings.js';
import { runReceiverProgram } from '../../../../harness/certify/run-receiver-case.js';
import { runSenderPrograms } from '../../../../harness/certify/run-sender-case.js';
import { fuzzInputArb, type FuzzInputShape } from '../../../../harness/engines/pbt/arbitraries/fuzz-input.js';
import { runReferenceSenderInProcess } from '../../../../harness/certify/reference-sender-in-process.js';
import { PROPERTIES } from '../../../../harness/engines/pbt/properties.js';
import { runInput, type EngineRunner } from '../../../../harness/engines/pbt/run-input.js';
import { PACKAGE_ROOT } from '../../../../harness/package-root.js';
import { removeTree } from '../../../../harness/sandbox/sandbox-root.js';
import { BROKEN_RECEIVER } from '../../../helpers/qfc-cli.js';

const base = mkdtempSync(join(tmpdir(), 'qfc-pbt-sender-paths-'));
chmodSync(base, 0o755);
afterAll(() => removeTree(base));

const reference = referenceImplementation();
const shape: FuzzInputShape = { receiverStreams: false, roundTrips: true, profile: null, specials: ['fifo', 'socket'], ownerCanRead: process.getuid?.() !== 0 };
const trees = fc.sample(fuzzInputArb(shape).filter((input) => input.kind === 'tree'), { seed: 20261202, numRuns: 12 });

function receiverOnly(command: string): Implementation {
  return { ...reference, name: command, receiver: { argv: shellCommand(command, 'qfc-receiver'), profiles: UPSTREAM_PROFILE_ARGS, timeResolution: reference.receiver!.timeResolution }, sender: null, openInVm: null };
}

function runner(implementation: Implementation, pair: EngineRunner['pair']): EngineRunner {
  return {
    settings: { implementation, reference, confinement: 'bwrap', base, owner: null, keepSandboxes: false, visiblePaths: visiblePaths([implementation, reference]) },
    receiver: runReceiverProgram,
    pair,
    strict: false,
    properties: new Set(PROPERTIES.map((property) => property.id)),
  };
}

describe('the reference sender in-process against a receiver program', () => {
  const receivers: [string, string][] = [
    ['the reference receiver', `${process.execPath} ${join(PACKAGE_ROOT, 'dist', 'bin', 'qfile-unpacker.js')}`],
    ['a naive receiver (no times, no modes of repeated directories)', `${process.execPath} ${BROKEN_RECEIVER} none`],
    ['a receiver that answers nothing', `${process.execPath} ${BROKEN_RECEIVER} no-result`],
  ];
  for (const [what, command] of receivers) {
    it(`gives the verdicts the program path gives: ${what}`, async () => {
      const implementation = receiverOnly(command);
      const verdicts = async (pair: EngineRunner['pair']): Promise<string[]> => {
        const out: string[] = [];
        for (const input of trees) {
          const run = await runInput(input, runner(implementation, pair));
          out.push(`${run.result.verdict} ${run.property ?? '-'} ${run.result.violations.map((violation) => violation.clause).sort().join(',')}`);
        }
        return out;
      };
      const fast = await verdicts(runReferenceSenderInProcess);
      expect(fast).toEqual(await verdicts(runSenderPrograms));
      expect(fast.some((line) => !line.startsWith('error'))).toBe(true);
    }, 180_000);
  }
});
