/**
 * The tree reducer keeps only what the failure needs: every node that can go goes (a
 * directory with its children), file contents are emptied when that keeps the failure,
 * and nothing is ever accepted that does not still fail.
 */
import { describe, expect, it } from 'vitest';
import type { SourceNode } from '../../../../harness/engines/pbt/arbitraries/source-tree.js';
import { reduceTree } from '../../../../harness/engines/pbt/reduce-tree.js';

const times = { atime: 0, atimeNsec: 0, mtime: 0, mtimeNsec: 0 };
const fileNode = (name: string, content = 'x'): SourceNode => ({ kind: 'file', name, mode: 0o644, times, content: Buffer.from(content) });
const dirNode = (name: string, children: SourceNode[]): SourceNode => ({ kind: 'dir', name, mode: 0o755, times, repeat: false, children });

function names(nodes: readonly SourceNode[]): string[] {
  return nodes.flatMap((node) => [node.name, ...(node.kind === 'dir' ? names(node.children).map((child) => `${node.name}/${child}`) : [])]);
}

describe('reduceTree', () => {
  const tree = [fileNode('a'), dirNode('d', [fileNode('b'), dirNode('e', [fileNode('bad', 'payload'), fileNode('c')]), fileNode('f')]), fileNode('g')];

  it('keeps only the path to the node the failure needs, with its content emptied when that still fails', async () => {
    let tries = 0;
    const reduced = await reduceTree(tree, 'first', async (candidate) => {
      tries += 1;
      return names(candidate).includes('d/e/bad') ? `run ${tries}` : null;
    });
    expect(names(reduced.tree)).toEqual(['d', 'd/e', 'd/e/bad']);
    const bad = (((reduced.tree[0] as Extract<SourceNode, { kind: 'dir' }>).children[0] as Extract<SourceNode, { kind: 'dir' }>).children[0]) as Extract<SourceNode, { kind: 'file' }>;
    expect(bad.content.length).toBe(0);
    expect(reduced.steps).toBe(5 + 1); // a, d/b, d/e/c, d/f, g away; the content emptied
    expect(reduced.run).toBe(`run ${tries}`);
  });

  it('keeps a content the failure needs, and changes nothing when nothing else fails', async () => {
    const reduced = await reduceTree(tree, 'first', async (candidate) => (names(candidate).length === names(tree).length && JSON.stringify(candidate) === JSON.stringify(tree) ? 'same' : null));
    expect(reduced).toEqual({ tree, run: 'first', steps: 0 });
  });

  it('never tries an empty tree', async () => {
    const seen: number[] = [];
    await reduceTree([fileNode('only')], 'first', async (candidate) => {
      seen.push(candidate.length);
      return 'fails';
    });
    expect(seen.every((length) => length > 0)).toBe(true);
  });
});
