/**
 * Run one campaign input against the implementation and judge it with certify's judges:
 * a stream through `runReceiverStream`, a source tree through `runSenderPair`. Returns the
 * verdict, the stream the receiver saw, the clauses the run exercised and the property it
 * broke (if any).
 */
import type { ClauseId } from '../../../spec/clauses.js';
import type { ReceiverCase, SenderCase } from '../../catalogue/catalogue-case.js';
import { runReceiverStream, type ReceiverExecutor } from '../../certify/run-receiver-case.js';
import { runSenderPair, type SenderPairExecutor } from '../../certify/run-sender-case.js';
import type { RunSettings } from '../../certify/run-settings.js';
import type { CaseResult } from '../../verdicts/case-result.js';
import type { FuzzInput } from './arbitraries/fuzz-input.js';
import { materializeTree } from './arbitraries/materialize-tree.js';
import type { SourceNode } from './arbitraries/source-tree.js';
import { againstBaseline } from './against-baseline.js';
import { brokenProperty, propertyClauses as clausesOf, type PropertyId } from './properties.js';

/** How a campaign runs its inputs. */
export interface EngineRunner {
  readonly settings: RunSettings;
  readonly receiver: ReceiverExecutor;
  readonly pair: SenderPairExecutor;
  readonly strict: boolean;
  /** The properties whose failures count (`--property`); the others' failures are only counted. */
  readonly properties: ReadonlySet<PropertyId>;
  /**
   * A second receiver every stream also runs against (`--baseline-receiver`, the last release's
   * build): any difference in what the two observably do is a finding of the `baseline` property.
   */
  readonly baseline?: { readonly settings: RunSettings; readonly receiver: ReceiverExecutor };
}

/** One judged input. */
export interface InputRun {
  readonly result: CaseResult;
  /** The stream the receiver saw (for a tree, the one the sender wrote). */
  readonly stream: Uint8Array;
  readonly exercised: readonly ClauseId[];
  readonly property: PropertyId | null;
}

/** A broken property counts only when the campaign checks it. */
const checked = (property: PropertyId | null, runner: EngineRunner): PropertyId | null => (property !== null && runner.properties.has(property) ? property : null);

/** The sender's arguments for the tree's top-level entries (`./` keeps a leading `-` from reading as an option). */
function senderPaths(tree: readonly SourceNode[]): string[] {
  return tree.map((node) => (node.name.startsWith('-') ? `./${node.name}` : node.name));
}

function hasSkipped(tree: readonly SourceNode[], ignoreSymlinks: boolean): boolean {
  return tree.some((node) => node.kind === 'special' || (ignoreSymlinks && node.kind === 'link') || (node.kind === 'dir' && hasSkipped(node.children, ignoreSymlinks)));
}

/** Run and judge `input`; a harness failure (not the implementation's) is an `error` verdict. */
export async function runInput(input: FuzzInput, runner: EngineRunner): Promise<InputRun> {
  try {
    return await judgedRun(input, runner);
  } catch (error) {
    const result: CaseResult = {
      id: input.kind === 'tree' ? 'pbt-round-trip' : `pbt-${input.family}`,
      kind: input.kind === 'tree' ? 'sender' : 'receiver',
      category: input.kind === 'tree' ? 'round-trip' : input.family,
      title: 'an input the harness could not run',
      clauses: [],
      profile: input.kind === 'tree' ? 'default' : input.settings.profile,
      verdict: 'error',
      expected: {},
      observed: {},
      violations: [],
      notes: [`the harness failed: ${(error as Error).message}`],
      ms: 0,
    };
    return { result, stream: input.kind === 'stream' ? input.stream : new Uint8Array(0), exercised: [], property: null };
  }
}

async function judgedRun(input: FuzzInput, runner: EngineRunner): Promise<InputRun> {
  if (input.kind === 'stream') {
    const testCase: ReceiverCase = {
      kind: 'receiver',
      id: `pbt-${input.family}`,
      category: input.family,
      title: input.mutation === undefined ? `a ${input.family} stream` : `a near-valid stream (${input.mutation})`,
      clauses: [...clausesOf('differential'), ...clausesOf('invariants')],
      profile: input.settings.profile,
      limits: input.settings.limits,
      stream: () => input.stream,
    };
    const { result, prediction } = await runReceiverStream(testCase, runner.settings, runner.receiver);
    const compared = runner.baseline === undefined ? result : againstBaseline(result, (await runReceiverStream(testCase, runner.baseline.settings, runner.baseline.receiver)).result);
    return { result: compared, stream: input.stream, exercised: prediction?.exercised ?? [], property: checked(brokenProperty(compared, runner.strict), runner) };
  }
  const testCase: SenderCase = {
    kind: 'sender',
    id: 'pbt-round-trip',
    category: 'round-trip',
    title: 'a source tree sent and received',
    clauses: [...clausesOf('round-trip'), ...clausesOf('invariants')],
    build: (dir) => materializeTree(dir, input.tree),
    paths: senderPaths(input.tree),
    ignoreSymlinks: input.ignoreSymlinks,
    answer: 'receiver',
    exitStatus: 0,
  };
  const { result, stream, prediction } = await runSenderPair(testCase, runner.settings, runner.pair);
  const received = prediction?.exercised ?? [];
  const sent: ClauseId[] = ['sender.walk', 'sender.names', 'sender.end-marker', 'sender.exit-status', 'crc.sender-check', ...(hasSkipped(input.tree, input.ignoreSymlinks) ? (['sender.types'] as const) : [])];
  return { result, stream, exercised: [...received, ...sent], property: checked(brokenProperty(result, runner.strict), runner) };
}
