/**
 * Which host directories under /tmp a certify run keeps visible behind bubblewrap's
 * private /tmp: those holding the programs named in the implementation's commands.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Implementation } from '../../../harness/adapters/implementation.js';
import { visiblePaths } from '../../../harness/certify/run-settings.js';
import { PACKAGE_ROOT } from '../../../harness/package-root.js';

function implementation(receiverArgv: readonly string[]): Implementation {
  return {
    name: 'probe',
    receiver: { argv: receiverArgv, profiles: { default: [] }, timeResolution: 'ns' },
    sender: null,
    openInVm: null,
    timeLimitMs: 1000,
  };
}

describe('visiblePaths', () => {
  const temporary = tmpdir();

  it('keeps the top-level directory under /tmp of every absolute word of a command', () => {
    const paths = visiblePaths([implementation(['/bin/sh', '-c', `exec ${join(temporary, 'build-1', 'bin', 'unpack')} --x=${join(temporary, 'data', 'cfg')}`])]);
    expect(paths).toContain(join(temporary, 'build-1'));
    expect(paths).toContain(join(temporary, 'data'));
  });

  it('ignores paths outside /tmp and /tmp itself', () => {
    const paths = visiblePaths([implementation(['/usr/bin/unpack', temporary, 'relative/path'])]);
    expect(paths.every((path) => path !== temporary && !path.startsWith('/usr'))).toBe(true);
  });

  it('keeps qfc\'s own checkout when it lives under /tmp', () => {
    const inTemporary = PACKAGE_ROOT.startsWith(temporary + '/');
    const paths = visiblePaths([implementation(['/usr/bin/unpack'])]);
    expect(paths.some((path) => PACKAGE_ROOT.startsWith(path + '/') || PACKAGE_ROOT === path)).toBe(inTemporary);
  });
});
