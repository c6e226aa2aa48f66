/**
 * A Linux fact that shows through (PROTOCOL §6): mkdir(2) in a setgid directory makes the
 * new directory setgid too, whatever mode was asked for; files created there do not take
 * the bit. The volume follows the kernel in both modes; only upstream, which applies
 * set-id bits as sent (quirk 4), ever has a setgid parent for it to show.
 */
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../spec/builder/build-stream.js';
import { dir, endMarker, file, type StreamPart } from '../../../spec/builder/stream-parts.js';
import { utf8 } from '../../../spec/byte-string.js';
import type { ModelMode } from '../../../spec/model/options.js';
import { predict } from '../../../spec/model/predict.js';
import { ReceiverVolume } from '../../../spec/model/volume.js';
import { summarizeTree } from '../../helpers/tree-summary.js';

const run = (mode: ModelMode, parts: readonly StreamPart[]) => {
  const prediction = predict(buildStream(parts), { mode });
  return { errorCode: prediction.result.errorCode, tree: summarizeTree(prediction.tree), quirks: prediction.quirks };
};

// `a` gets 02755 from its repeated header before `a/b` is created; `a/b` is sent once, so
// only mkdir decides its mode; `a/f` is a file in the same directory.
const SETGID_PARENT: readonly StreamPart[] = [dir('a', { mode: 0o2755 }), dir('a', { mode: 0o2755 }), dir('a/b'), file('a/f', 'x'), endMarker()];

describe('a directory made in a setgid directory', () => {
  it('upstream: is setgid (02700), and a file beside it is not', () => {
    expect(run('upstream', SETGID_PARENT)).toEqual({
      errorCode: 0,
      tree: ['dir a 2755 t=0/clock', 'dir a/b 2700', 'file a/f 0644 1B t=0/0'],
      quirks: ['set-id-applied'],
    });
  });

  it('upstream: passes the bit on down a chain of new directories', () => {
    const parts = [dir('a', { mode: 0o2755 }), dir('a', { mode: 0o2755 }), dir('a/b'), dir('a/b/c'), endMarker()];
    expect(run('upstream', parts).tree).toEqual(['dir a 2755 t=0/clock', 'dir a/b 2700', 'dir a/b/c 2700']);
  });

  it('upstream: loses the inherited bit when its own repeated header sets a mode without it', () => {
    const parts = [dir('a', { mode: 0o2755 }), dir('a', { mode: 0o2755 }), dir('a/b'), dir('a/b', { mode: 0o750 }), endMarker()];
    expect(run('upstream', parts).tree).toEqual(['dir a 2755 t=0/clock', 'dir a/b 0750 t=0/0']);
  });

  it('upstream: is not setgid when the parent gets the bit only after it (the sender\'s order)', () => {
    const parts = [dir('a'), dir('a/b'), dir('a', { mode: 0o2755 }), endMarker()];
    expect(run('upstream', parts).tree).toEqual(['dir a 2755 t=0/0', 'dir a/b 0700']);
  });

  it('spec: is plain 0700, because the spec never leaves a parent setgid (quirk 4)', () => {
    expect(run('spec', SETGID_PARENT)).toEqual({
      errorCode: 0,
      tree: ['dir a 0755 t=0/clock', 'dir a/b 0700', 'file a/f 0644 1B t=0/0'],
      quirks: [],
    });
  });

  it('spec: does not inherit the sticky bit, which the spec keeps on the parent', () => {
    const parts = [dir('a', { mode: 0o1777 }), dir('a', { mode: 0o1777 }), dir('a/b'), endMarker()];
    expect(run('spec', parts).tree).toEqual(['dir a 1777 t=0/clock', 'dir a/b 0700']);
  });
});

describe('the volume, below either mode', () => {
  it('makes a directory setgid in a setgid parent and a file not', () => {
    const volume = new ReceiverVolume(false);
    const [a, b, f] = [utf8('a'), utf8('b'), utf8('f')];
    expect(volume.makeDirectory('', a)).toBe(0);
    volume.setPermissions('', a, 0o2750);
    const walked = volume.walkParents([a]);
    if (!walked.ok) throw new Error('the walk into a failed');
    expect(volume.makeDirectory(walked.parent, b)).toBe(0);
    expect(volume.createFile(walked.parent, f, 0o640)).toBe(0);
    expect(volume.tree().map((entry) => [entry.path, entry.mode.toString(8)])).toEqual([
      ['a', '42750'],
      ['a/b', '42700'],
      ['a/f', '100640'],
    ]);
  });
});
