/**
 * Reduce a failing fuzz input with the reducer that knows its parts: a stream part by part
 * (reduce-stream.ts), a source tree node by node (reduce-tree.ts). The engines ask one
 * question of either, "does this smaller input still fail the same way?".
 */
import type { FuzzInput } from './arbitraries/fuzz-input.js';
import { reduceStream } from './reduce-stream.js';
import { reduceTree } from './reduce-tree.js';

/** The smaller input still fails the same way (the judged run), or null. */
export type InputStillFails<R> = (input: FuzzInput) => Promise<R | null>;

/** Reduce `input` while `stillFails` holds; returns the smallest input, its run and the accepted steps. */
export async function reduceInput<R>(input: FuzzInput, run: R, stillFails: InputStillFails<R>): Promise<{ input: FuzzInput; run: R; steps: number }> {
  if (input.kind === 'stream') {
    const reduced = await reduceStream(input.stream, run, (stream) => stillFails({ ...input, stream }));
    return { input: { ...input, stream: reduced.stream }, run: reduced.run, steps: reduced.steps };
  }
  const reduced = await reduceTree(input.tree, run, (tree) => stillFails({ ...input, tree }));
  return { input: { ...input, tree: reduced.tree }, run: reduced.run, steps: reduced.steps };
}
