/**
 * One input of a campaign: a stream for the receiver (valid, near-valid or hostile, with
 * receiver settings), or a source tree for a round trip through the sender and receiver.
 * Which kinds a campaign draws depends on what the implementation has.
 */
import fc from 'fast-check';
import { buildStream } from '../../../../spec/builder/build-stream.js';
import type { Profile } from '../../../adapters/implementation.js';
import { hostileStreamArb } from './hostile-stream.js';
import { nearValidStreamArb } from './near-valid-stream.js';
import { receiverSettingsArb, type ReceiverSettings } from './receiver-settings.js';
import { sourceTreeArb, type SourceNode, type SpecialKind } from './source-tree.js';
import { treeOfStream, treeStreamParts } from './tree-stream.js';

/** Families of receiver streams. */
export type StreamFamily = 'valid' | 'near-valid' | 'hostile';

/** A campaign input. */
export type FuzzInput =
  | { readonly kind: 'stream'; readonly family: StreamFamily; readonly stream: Uint8Array; readonly settings: ReceiverSettings; readonly mutation?: string }
  | { readonly kind: 'tree'; readonly tree: readonly SourceNode[]; readonly ignoreSymlinks: boolean };

/** What a campaign draws. */
export interface FuzzInputShape {
  /** The implementation has a receiver: streams go to it. */
  readonly receiverStreams: boolean;
  /** Round trips through a sender and a receiver (the implementation's or the reference's). */
  readonly roundTrips: boolean;
  /** `--profile`: every stream under this profile. */
  readonly profile: Profile | null;
  /** Special files the source trees may hold (devices only when qfc runs as root). */
  readonly specials: readonly SpecialKind[];
  /** The sender does not run as root: sources keep their owner's read bits. */
  readonly ownerCanRead: boolean;
}

/** The valid streams: what a correct sender writes for a tree; the stream maps back to its tree. */
export const validStreamArb: fc.Arbitrary<Uint8Array> = sourceTreeArb().map(
  (tree) => buildStream(treeStreamParts(tree)),
  (value) => {
    if (!(value instanceof Uint8Array)) throw new TypeError('not a stream');
    return treeOfStream(value);
  },
);

/** Inputs of the given shape. */
export function fuzzInputArb(shape: FuzzInputShape): fc.Arbitrary<FuzzInput> {
  const settings = receiverSettingsArb(shape.profile);
  const families: fc.WeightedArbitrary<FuzzInput>[] = [];
  if (shape.receiverStreams) {
    families.push(
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('stream' as const), family: fc.constant('valid' as const), stream: validStreamArb, settings }) },
      { weight: 3, arbitrary: fc.tuple(nearValidStreamArb(), settings).map(([near, chosen]): FuzzInput => ({ kind: 'stream', family: 'near-valid', stream: near.stream, settings: chosen, mutation: near.mutation })) },
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('stream' as const), family: fc.constant('hostile' as const), stream: hostileStreamArb, settings }) },
    );
  }
  if (shape.roundTrips) {
    const tree = sourceTreeArb({ specials: shape.specials, ownerCanRead: shape.ownerCanRead });
    families.push({ weight: 2, arbitrary: fc.record({ kind: fc.constant('tree' as const), tree, ignoreSymlinks: fc.boolean() }) });
  }
  if (families.length === 0) throw new Error('a campaign needs a receiver or a sender');
  return fc.oneof(...families);
}
