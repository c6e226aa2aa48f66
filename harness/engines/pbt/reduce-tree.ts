/**
 * The last step of shrinking a failing round trip, on its source tree: every node is tried
 * away in turn (a directory with everything in it), then each remaining file's content is
 * tried empty, keeping each change under which the run still breaks the same rule. The
 * Jazzer.js engine needs it: libFuzzer's minimizer removes bytes, and a byte removed from a
 * structured input mostly changes what every later node is, not which nodes there are.
 */
import type { SourceNode } from './arbitraries/source-tree.js';

/** The tree still fails the same way (the judged run), or null. */
export type TreeStillFails<R> = (tree: readonly SourceNode[]) => Promise<R | null>;

/** Every node's place: the indices from the top level down. */
function places(nodes: readonly SourceNode[], prefix: readonly number[] = []): number[][] {
  return nodes.flatMap((node, index) => [[...prefix, index], ...(node.kind === 'dir' ? places(node.children, [...prefix, index]) : [])]);
}

function nodeAt(nodes: readonly SourceNode[], place: readonly number[]): SourceNode | undefined {
  const [index, ...rest] = place;
  const node = nodes[index!];
  return rest.length === 0 || node?.kind !== 'dir' ? node : nodeAt(node.children, rest);
}

/** `nodes` with the node at `place` replaced by `replacement` (or removed when null). */
function edited(nodes: readonly SourceNode[], place: readonly number[], replacement: (node: SourceNode) => SourceNode | null): SourceNode[] {
  const [index, ...rest] = place;
  return nodes.flatMap((node, at) => {
    if (at !== index) return [node];
    if (rest.length === 0) {
      const changed = replacement(node);
      return changed === null ? [] : [changed];
    }
    return node.kind === 'dir' ? [{ ...node, children: edited(node.children, rest, replacement) }] : [node];
  });
}

/** Reduce `tree` while `stillFails` holds; returns the smallest tree, its run and the accepted steps. */
export async function reduceTree<R>(tree: readonly SourceNode[], run: R, stillFails: TreeStillFails<R>): Promise<{ tree: readonly SourceNode[]; run: R; steps: number }> {
  let best = { tree, run, steps: 0 };
  const attempt = async (candidate: SourceNode[]): Promise<void> => {
    if (candidate.length === 0) return; // a sender is always given something to send
    const failed = await stillFails(candidate);
    if (failed !== null) best = { tree: candidate, run: failed, steps: best.steps + 1 };
  };
  // From the last place to the first, so that removing a node never moves one not yet tried.
  for (const place of places(tree).reverse()) {
    if (places(best.tree).some((known) => known.join('/') === place.join('/'))) await attempt(edited(best.tree, place, () => null));
  }
  for (const place of places(best.tree)) {
    const node = nodeAt(best.tree, place);
    if (node?.kind === 'file' && node.content.length > 0) await attempt(edited(best.tree, place, () => ({ ...node, content: new Uint8Array(0) })));
  }
  return best;
}
