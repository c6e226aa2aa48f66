/**
 * What a certify run shows its programs of the host (host-view.ts through visiblePaths) and
 * which of qfc's environment variables they get.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Implementation } from '../../../harness/adapters/implementation.js';
import { programEnvironment, visiblePaths } from '../../../harness/certify/run-settings.js';
import { PACKAGE_ROOT } from '../../../harness/package-root.js';
import { tempDir } from '../../helpers/temp-dir.js';

function implementation(receiverArgv: readonly string[], bindRo: readonly string[] = []): Implementation {
  return {
    name: 'probe',
    receiver: { argv: receiverArgv, profiles: { default: [] }, timeResolution: 'ns' },
    sender: null,
    openInVm: null,
    timeLimitMs: 1000,
    memoryLimitMiB: 512,
    bindRo,
  };
}

describe('visiblePaths', () => {
  it('shows the directory of every program named in a command, wherever it is (not only under /tmp)', () => {
    const build = tempDir('qfc-build-');
    mkdirSync(join(build, 'bin'));
    writeFileSync(join(build, 'bin', 'unpack'), '#!/bin/sh\n');
    chmodSync(join(build, 'bin', 'unpack'), 0o755);
    const data = tempDir('qfc-data-');
    const paths = visiblePaths([implementation(['/bin/sh', '-c', `exec ${join(build, 'bin', 'unpack')} --x=${data} "$@"`])]);
    expect(paths).toContain(join(build, 'bin'));
    expect(paths).toContain(data);
  });

  it('never shows a whole home or /tmp for a program that sits there: only the file', () => {
    const paths = visiblePaths([implementation(['/tmp', '/root', '/bin/true', 'relative/path'])]);
    for (const broad of ['/tmp', '/root', '/', '/home', '/etc']) expect(paths).not.toContain(broad);
  });

  it("shows qfc's bundled programs and the native addon, not the whole checkout", () => {
    const paths = visiblePaths([implementation(['/usr/bin/true'])]);
    expect(paths).toContain(join(PACKAGE_ROOT, 'dist'));
    expect(paths).not.toContain(PACKAGE_ROOT);
    expect(paths.some((path) => path.startsWith(join(PACKAGE_ROOT, 'reports')) || path.startsWith(join(PACKAGE_ROOT, 'corpus')))).toBe(false);
  });

  it('adds what --bind-ro names', () => {
    const extra = tempDir('qfc-extra-');
    expect(visiblePaths([implementation(['/usr/bin/true'], [extra])])).toContain(extra);
  });
});

describe('programEnvironment', () => {
  it("passes PATH, the locale and QFC_ settings, never qfc's other variables (tokens, passwords)", () => {
    const saved = { ...process.env };
    try {
      process.env.CI_JOB_TOKEN = 'secret-token';
      process.env.AWS_SECRET_ACCESS_KEY = 'secret-key';
      process.env.QFC_OPENER = '/x';
      process.env.QFC_BYTES_LIMIT = '7';
      process.env.LANG = 'C.UTF-8';
      const env = programEnvironment({ files: 3n }, { EXTRA: 'y' });
      expect(env.CI_JOB_TOKEN).toBeUndefined();
      expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
      expect(env.QFC_OPENER).toBe('/x');
      expect(env.QFC_BYTES_LIMIT).toBeUndefined();
      expect(env.QFC_FILES_LIMIT).toBe('3');
      expect(env.LANG).toBe('C.UTF-8');
      expect(env.EXTRA).toBe('y');
      expect(env.PATH).toBeTruthy();
    } finally {
      process.env = saved;
    }
  });
});
