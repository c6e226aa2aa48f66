/**
 * The containment of one program run: bwrap's read-only host and writable root, no
 * network, the time limit that kills a whole process group, output caps, the file-size
 * cap, half-closed output seen through bwrap, and the unconfined mode.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bwrapAvailable, runContained, startContained, type ContainedRun } from '../../../harness/sandbox/run-contained.js';
import { tempDir } from '../../helpers/temp-dir.js';

function sandboxRun(script: string, extra: Partial<ContainedRun> = {}): ContainedRun {
  const root = tempDir('qfc-contained-');
  mkdirSync(join(root, 'target'));
  return {
    argv: ['/bin/sh', '-c', script],
    cwd: join(root, 'target'),
    writableRoot: root,
    stdin: null,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    timeLimitMs: 5000,
    stdoutCap: 1 << 20,
    stderrCap: 1 << 16,
    fileSizeCap: 1 << 20,
    memoryLimit: 256 << 20,
    confinement: 'bwrap',
    ...extra,
  };
}

describe('a contained run', () => {
  it('has bubblewrap here (.ci/run installs it)', () => expect(bwrapAvailable()).toBe(true));

  it('can write its root, but not the host, and has no network', async () => {
    const run = sandboxRun('echo ok > inside; echo x > /etc/qfc-escape 2>/dev/null && echo WROTE-ETC; echo x > "$HOME/qfc-escape" 2>/dev/null && echo WROTE-HOME; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "');
    const result = await runContained(run);
    expect(result.stdout.toString()).toBe('lo\n');
    expect(readFileSync(join(run.cwd, 'inside'), 'utf8')).toBe('ok\n');
    expect(existsSync('/etc/qfc-escape')).toBe(false);
  });

  it('gets a private /tmp', async () => {
    // only the sandbox root and its I/O directory are visible in /tmp
    const result = await runContained(sandboxRun('ls -A /tmp | grep -v "qfc-" | wc -l; touch /tmp/qfc-private-probe'));
    expect(result.stdout.toString().trim()).toBe('0');
    expect(existsSync('/tmp/qfc-private-probe')).toBe(false);
  });

  it('keeps named directories visible, read-only, wherever they are (under /tmp too)', async () => {
    // a checkout under /tmp must still find its own programs
    const program = tempDir('qfc-visible-');
    writeFileSync(join(program, 'hello.sh'), 'echo visible\n');
    const run = sandboxRun(`sh ${program}/hello.sh; touch ${program}/written 2>/dev/null && echo WROTE`, { visiblePaths: [program] });
    expect((await runContained(run)).stdout.toString()).toBe('visible\n');
    expect(existsSync(join(program, 'written'))).toBe(false);
    const hidden = await runContained(sandboxRun(`sh ${program}/hello.sh 2>/dev/null || echo hidden`));
    expect(hidden.stdout.toString()).toBe('hidden\n');
  });

  it('shows the sandbox root at a fixed alias, and with a read-only /tmp nothing lands above the root', async () => {
    const run = sandboxRun('echo a > /tmp/qfc-sandbox/target/via-alias; echo b > ../../above 2>/dev/null && echo WROTE-ABOVE; echo c > /tmp/scratch 2>/dev/null && echo WROTE-TMP; echo done', { readOnlyTmp: true });
    const result = await runContained(run);
    expect(result.stdout.toString()).toBe('done\n');
    expect(readFileSync(join(run.cwd, 'via-alias'), 'utf8')).toBe('a\n');
    const writable = await runContained(sandboxRun('echo c > /tmp/scratch && echo WROTE-TMP'));
    expect(writable.stdout.toString()).toBe('WROTE-TMP\n');
  });

  it('kills the whole process group at the time limit', async () => {
    const result = await runContained(sandboxRun('sleep 60 & sleep 60; echo never', { timeLimitMs: 500 }));
    expect(result.timedOut).toBe(true);
    expect(result.ms).toBeLessThan(5000);
    expect(result.stdout.toString()).toBe('');
  });

  it('kills a program that floods stdout or stderr', async () => {
    expect((await runContained(sandboxRun('yes', { stdoutCap: 100_000 }))).flooded).toBe('stdout');
    expect((await runContained(sandboxRun('yes >&2', { stderrCap: 100_000 }))).flooded).toBe('stderr');
  });

  it('caps the size of files it writes', async () => {
    const result = await runContained(sandboxRun('head -c 3000000 /dev/zero > big; echo $?', { fileSizeCap: 1 << 20 }));
    expect(result.status === 0 ? result.stdout.toString().trim() : 'killed').not.toBe('0');
  });

  it('sees a program close its output before it exits, through bwrap', async () => {
    const started = startContained(sandboxRun('echo early; exec 1>&-; sleep 2'));
    const at = Date.now();
    const closed = await new Promise<number>((resolve) => started.onStdoutEnd(() => resolve(Date.now() - at)));
    expect(closed).toBeLessThan(1500);
    const result = await started.done;
    expect(result.stdout.toString()).toBe('early\n');
  });

  it('delivers stdin and its end, however early it is written', async () => {
    const result = await runContained(sandboxRun('wc -c', { stdin: Buffer.alloc(200_000, 1) }));
    expect(result.stdout.toString().trim()).toBe('200000');
  });

  it('runs unconfined when asked, with the same limits', async () => {
    const result = await runContained(sandboxRun('echo unconfined; sleep 60', { confinement: 'none', timeLimitMs: 300 }));
    expect(result.stdout.toString()).toBe('unconfined\n');
    expect(result.timedOut).toBe(true);
  });

  it('reports a program that cannot start', async () => {
    const result = await runContained(sandboxRun('', { argv: ['/nonexistent/program'], confinement: 'none' }));
    expect(result.spawnError !== null || result.status === 127 || result.status === 1).toBe(true);
    expect(result.stdout.length).toBe(0);
  });

  it('shows the host read-only and minimal: no /root, /home, /etc/shadow, /run, host /dev/shm, sockets', async () => {
    const probe = [
      'for p in /root /home /etc/shadow /etc/gshadow /etc/ssh /run/docker.sock /var /opt /srv /mnt /boot; do [ -e "$p" ] && echo "VISIBLE $p"; done',
      'ls -A /dev/shm | wc -l',
      'ls /usr/bin/env >/dev/null && echo usr-ok',
      'head -c 4 /etc/passwd >/dev/null && echo passwd-ok',
      'touch /usr/qfc-probe 2>/dev/null && echo WROTE-USR',
    ].join('; ');
    const result = await runContained(sandboxRun(probe));
    expect(result.stdout.toString()).toBe('0\nusr-ok\npasswd-ok\n');
  });

  it('as root, keeps only the file-permission capabilities, with no_new_privs and the seccomp filter', async () => {
    const result = await runContained(sandboxRun('grep -E "^(Uid|CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status'));
    const status = result.stdout.toString();
    const eff = /CapEff:\s*([0-9a-f]+)/.exec(status)?.[1];
    const bits = BigInt(`0x${eff}`);
    if (process.getuid?.() === 0) expect(bits).toBe((1n << 1n) | (1n << 3n) | (1n << 4n)); // DAC_OVERRIDE, FOWNER, FSETID
    else expect(bits).toBe(0n);
    expect(status).toMatch(/NoNewPrivs:\s*1/);
    expect(status).toMatch(/Seccomp:\s*2/);
  });

  it('reports the supervisor: its mode and the peak memory of the run', async () => {
    const result = await runContained(sandboxRun('true'));
    expect(result.supervision?.final).toBe(true);
    expect(result.supervision?.peakRssKiB).toBeGreaterThan(0);
    expect(result.supervision?.leftoverCount).toBe(0);
  });

  it("stopped at once, even during bwrap's own set-up, leaves nothing running and still ends", async () => {
    const marker = `sleep 31.${process.pid % 1000}`;
    const running = (): number => {
      let count = 0;
      for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
        try {
          if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(marker)) count += 1;
        } catch {
          // gone
        }
      }
      return count;
    };
    for (let round = 0; round < 5; round += 1) {
      const started = startContained(sandboxRun(`trap '' TERM; ${marker}`, { timeLimitMs: 60_000 }));
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, round * 40)); // at and after the start
      started.stop();
      const result = await started.done;
      expect(result.supervision?.stopped).toBe(true);
    }
    expect(running()).toBe(0);
  });
});
