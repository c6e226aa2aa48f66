/**
 * reduceInput gives each kind of fuzz input to the reducer that knows its parts, keeps what
 * the input carries besides them (a stream's settings and family, a tree's symlink choice),
 * and asks every question of the whole input.
 */
import { describe, expect, it } from 'vitest';
import type { FuzzInput } from '../../../../harness/engines/pbt/arbitraries/fuzz-input.js';
import type { SourceNode } from '../../../../harness/engines/pbt/arbitraries/source-tree.js';
import { reduceInput } from '../../../../harness/engines/pbt/reduce-input.js';
import { describeStream } from '../../../../harness/engines/pbt/describe-stream.js';
import { buildStream } from '../../../../spec/builder/build-stream.js';
import { endMarker, file } from '../../../../spec/builder/stream-parts.js';

const times = { atime: 0, atimeNsec: 0, mtime: 0, mtimeNsec: 0 };
const fileNode = (name: string, content = 'x'): SourceNode => ({ kind: 'file', name, mode: 0o644, times, content: Buffer.from(content) });

describe('reduceInput', () => {
  it('reduces a stream part by part, keeping its settings and family', async () => {
    const input: FuzzInput = { kind: 'stream', family: 'hostile', stream: buildStream([file('ok', 'fine'), file('../x', 'payload'), endMarker()]), settings: { profile: 'default', limits: { files: 5n } } };
    const asked: FuzzInput[] = [];
    const reduced = await reduceInput(input, 'first', async (smaller) => {
      asked.push(smaller);
      return smaller.kind === 'stream' && describeStream(smaller.stream).some((line) => line.startsWith('file "../x"')) ? 'still' : null;
    });
    expect(asked.every((smaller) => smaller.kind === 'stream' && smaller.family === 'hostile' && smaller.settings === input.settings)).toBe(true);
    expect(reduced.input).toMatchObject({ kind: 'stream', family: 'hostile', settings: input.settings });
    expect(describeStream((reduced.input as Extract<FuzzInput, { kind: 'stream' }>).stream)).toEqual(['file "../x" mode 0o0644 filelen 0']);
    expect(reduced.run).toBe('still');
    expect(reduced.steps).toBeGreaterThan(0);
  });

  it('reduces a tree node by node, keeping its symlink choice', async () => {
    const input: FuzzInput = { kind: 'tree', tree: [fileNode('a'), fileNode('bad', 'payload'), fileNode('c')], ignoreSymlinks: true };
    const reduced = await reduceInput(input, 'first', async (smaller) => (smaller.kind === 'tree' && smaller.ignoreSymlinks && smaller.tree.some((node) => node.name === 'bad') ? 'still' : null));
    expect(reduced.input).toEqual({ kind: 'tree', tree: [{ ...fileNode('bad'), content: new Uint8Array(0) }], ignoreSymlinks: true });
    expect(reduced.steps).toBe(3);
  });

  it('returns the input unchanged when nothing smaller fails', async () => {
    const input: FuzzInput = { kind: 'tree', tree: [fileNode('only', '')], ignoreSymlinks: false };
    expect(await reduceInput(input, 'first', async () => null)).toEqual({ input, run: 'first', steps: 0 });
  });
});
