/**
 * A bounded run of each property against the bundled reference pair, in-process, as
 * part of npm test: round trips of generated trees, and valid, near-valid and hostile
 * streams judged against predict() and the invariants. A failure prints fast-check's
 * seed and path; `qfc fuzz --replay` takes the campaign's own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { referenceImplementation } from '../../../../harness/adapters/bundled-implementations.js';
import { fuzzInputArb, type FuzzInput, type FuzzInputShape } from '../../../../harness/engines/pbt/arbitraries/fuzz-input.js';
import { runReferencePairInProcess } from '../../../../harness/engines/pbt/execution/in-process-pair.js';
import { runReferenceReceiverInProcess } from '../../../../harness/engines/pbt/execution/in-process-receiver.js';
import { PROPERTIES } from '../../../../harness/engines/pbt/properties.js';
import { runInput, type EngineRunner } from '../../../../harness/engines/pbt/run-input.js';

const base = mkdtempSync(join(tmpdir(), 'qfc-pbt-properties-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const reference = referenceImplementation();
const runner: EngineRunner = {
  settings: { implementation: reference, reference, confinement: 'none', base, owner: null, keepSandboxes: false, visiblePaths: [] },
  receiver: runReferenceReceiverInProcess,
  pair: runReferencePairInProcess,
  strict: false,
  properties: new Set(PROPERTIES.map((property) => property.id)),
};
const shape: FuzzInputShape = { receiverStreams: true, roundTrips: true, profile: null, specials: ['fifo', 'socket', 'char-device', 'block-device'], ownerCanRead: process.getuid?.() !== 0 };
const inputs = fuzzInputArb(shape);
const ofKind = (wanted: (input: FuzzInput) => boolean) => inputs.filter(wanted);

async function holds(input: FuzzInput): Promise<void> {
  const run = await runInput(input, runner);
  expect({ property: run.property, verdict: run.result.verdict, violations: run.result.violations, notes: run.result.notes }).toMatchObject({ property: null });
  expect(run.result.verdict).not.toBe('error');
}

describe('the reference pair keeps every property', () => {
  test.prop([ofKind((input) => input.kind === 'tree')], { numRuns: 60 })('round trip: sender(tree) → receiver reproduces the tree', holds, 60_000);
  test.prop([ofKind((input) => input.kind === 'stream' && input.family === 'valid')], { numRuns: 100 })('differential and invariants on valid streams', holds, 60_000);
  test.prop([ofKind((input) => input.kind === 'stream' && input.family === 'near-valid')], { numRuns: 150 })('differential and invariants on near-valid streams', holds, 60_000);
  test.prop([ofKind((input) => input.kind === 'stream' && input.family === 'hostile')], { numRuns: 200 })('differential and invariants on hostile streams', holds, 60_000);
});

describe('a property that breaks is named', () => {
  test.prop([ofKind((input) => input.kind === 'stream' && input.family === 'valid')], { numRuns: 20 })('a receiver that makes no change and answers nothing breaks the differential', async (input) => {
    const silent: EngineRunner = { ...runner, receiver: async () => ({ status: 0, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: false, flooded: null, spawnError: null, ms: 0 }) };
    // Without limits a valid stream must succeed: saying nothing is then a failure, not a quirk.
    const run = await runInput({ ...input, settings: { profile: 'default', limits: {} } } as FuzzInput, silent);
    expect(run.property).toBe('differential');
  });

  test.prop([fc.constant(null)], { numRuns: 1 })('a harness failure is an error verdict, not a crash', async () => {
    const broken: EngineRunner = { ...runner, settings: { ...runner.settings, base: '/nonexistent/qfc-base' } };
    const run = await runInput({ kind: 'stream', family: 'valid', stream: new Uint8Array(32), settings: { profile: 'default', limits: {} } }, broken);
    expect(run.result.verdict).toBe('error');
    expect(run.property).toBeNull();
  });
});
