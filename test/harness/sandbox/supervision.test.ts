/**
 * The supervisor's report is parsed as untrusted text, and what a program holds is read from
 * its /proc status: a missing or forged field is "not reported", never an exception, and a
 * capability qfc never grants is flagged.
 */
import { describe, expect, it } from 'vitest';
import { capabilityNames, readStatus } from '../../../harness/sandbox/probe-containment.js';
import { parseSupervision } from '../../../harness/sandbox/supervision.js';

const MIB = 1024 * 1024;

describe('parseSupervision', () => {
  it('reads the ready line and the final line', () => {
    const report = [
      '{"ready":true,"mode":"pidns"}',
      '{"status":0,"signal":null,"execError":null,"peakRssKiB":2048,"memoryExceeded":false,"processesExceeded":false,"leftover":[{"pid":7,"comm":"sleep","cmdline":"sleep 30"}],"leftoverCount":3}',
      '',
    ].join('\n');
    expect(parseSupervision(report, 512 * MIB)).toEqual({
      final: true, mode: 'pidns', status: 0, signal: null, execError: null, peakRssKiB: 2048, memoryExceeded: false, processesExceeded: false,
      memoryLimit: 512 * MIB, leftover: [{ pid: 7, comm: 'sleep', cmdline: 'sleep 30' }], leftoverCount: 3,
    });
  });

  it('knows a supervisor that was killed before its final line', () => {
    const parsed = parseSupervision('{"ready":true,"mode":"userns+pidns"}\n', MIB);
    expect(parsed).toMatchObject({ final: false, mode: 'userns+pidns', status: null, peakRssKiB: null, leftoverCount: 0, memoryExceeded: false });
  });

  it('never throws on garbage, and keeps only what it can trust', () => {
    for (const garbage of ['', '\u0000\u0001', '{', '[1,2]', 'null\n"x"', '{"status":"0","leftover":"x","signal":"SIGNOPE","peakRssKiB":-5}']) {
      const parsed = parseSupervision(garbage, MIB);
      expect(parsed.status).toBeNull();
      expect(parsed.signal).toBeNull();
      expect(parsed.peakRssKiB).toBeNull();
      expect(parsed.leftover).toEqual([]);
    }
    expect(parseSupervision('{"status":null,"signal":"SIGSYS","leftover":[]}', MIB).signal).toBe('SIGSYS');
  });
});

describe('readStatus', () => {
  it('names the capability bits', () => {
    expect(capabilityNames('0000000000000000')).toEqual([]);
    expect(capabilityNames('000000000000001a')).toEqual(['CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID']);
    expect(capabilityNames('0000000000200000')).toEqual(['CAP_SYS_ADMIN']);
    expect(capabilityNames('not hex')).toEqual([]);
  });

  it('flags any capability beyond the file-permission ones a root receiver keeps', () => {
    const status = (eff: string): string => `Name:\tcat\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapEff:\t${eff}\nCapBnd:\t${eff}\nNoNewPrivs:\t1\nSeccomp:\t2\n`;
    expect(readStatus(status('000000000000001a'), 'pidns')).toMatchObject({ uid: 0, gid: 0, excess: [], noNewPrivs: true, seccomp: 2, supervisor: 'pidns' });
    expect(readStatus(status('000001ffffffffff'), null).excess).toContain('CAP_SYS_ADMIN');
    expect(readStatus(status('0000000008000000'), null).excess).toEqual(['CAP_MKNOD']);
  });
});
