import { afterEach, describe, expect, it } from 'vitest';
import { jazzerNodeLauncher, JazzerRuntimeError } from '../../../harness/engines/jazzer/compat-runtime.js';

describe('the Jazzer.js node launcher', () => {
  const saved = process.env.QFC_JAZZER_RUNTIME;
  afterEach(() => {
    if (saved === undefined) delete process.env.QFC_JAZZER_RUNTIME;
    else process.env.QFC_JAZZER_RUNTIME = saved;
  });

  it('refuses an unknown forced runtime with a one-line error', () => {
    process.env.QFC_JAZZER_RUNTIME = 'musl';
    expect(() => jazzerNodeLauncher()).toThrow(new JazzerRuntimeError("QFC_JAZZER_RUNTIME must be 'system' or 'compat', not 'musl'"));
  });

  it('uses the system node when forced and able, or says it cannot', () => {
    process.env.QFC_JAZZER_RUNTIME = 'system';
    let launcher;
    try {
      launcher = jazzerNodeLauncher();
    } catch (error) {
      // Debian 12: glibc 2.36 cannot load the addon
      expect(error).toEqual(new JazzerRuntimeError('the system node cannot load Jazzer.js (QFC_JAZZER_RUNTIME=system)'));
      return;
    }
    expect(launcher).toEqual({ command: process.execPath, args: [], runtime: 'system' });
  });
});
