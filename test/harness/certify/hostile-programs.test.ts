/**
 * Hostile programs (test/fixtures/hostile-programs/hostile.c) against qfc's containment, run
 * as a user runs qfc: each attack gets the verdict it must get, the report is always written,
 * and afterwards the host is checked: no file written outside the sandbox, no process left,
 * no sandbox directory left behind. Most run as root (CI runs qfc as root) and again with the
 * programs as an unprivileged user (`--uid 65534`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../../harness/reports/results-document.js';
import type { CaseResult } from '../../../harness/verdicts/case-result.js';
import { buildHostile } from '../../helpers/build-hostile.js';
import { QFC } from '../../helpers/qfc-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

const UNPACKER = new URL('../../../dist/bin/qfile-unpacker.js', import.meta.url).pathname;
const isRoot = process.getuid?.() === 0;
const tag = `${process.pid}-${Date.now()}`;
let hostile = '';

/** Processes whose command line names the hostile program (none may survive a run). */
function hostileProcesses(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(hostile) && readlinkSync(`/proc/${pid}/exe`) !== process.execPath) found.push(`${pid}: ${cmdline.replace(/\0/g, ' ')}`);
    } catch {
      // gone
    }
  }
  return found;
}


interface HostileRun {
  readonly status: number | null;
  readonly stderr: string;
  readonly document: ResultsDocument;
  readonly cases: readonly CaseResult[];
}

/** qfc certify against `hostile ATTACK ARG -- the reference receiver`, with the host checked around it. */
async function certifyHostile(attack: string, arg: string, only: readonly string[], extra: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<HostileRun> {
  // qfc's own temporary directory, private to this run: other tests and jobs make theirs in /tmp too
  const temporary = tempDir('qfc-hostile-tmp-');
  chmodSync(temporary, 0o1777); // qfc run as nobody makes its directories here
  const ownTemporary = env.TMPDIR !== undefined && env.TMPDIR !== process.env.TMPDIR ? env.TMPDIR : temporary;
  const outIndex = extra.indexOf('--out');
  const out = outIndex >= 0 ? extra[outIndex + 1]! : join(tempDir('qfc-hostile-report-'), 'run');
  const receiver = `${hostile} ${attack} ${arg === '' ? '' : `'${arg}'`} -- ${process.execPath} ${UNPACKER}`;
  const args = ['certify', '--receiver', receiver, ...only.flatMap((id) => ['--only', id]), ...(outIndex >= 0 ? [] : ['--out', out]), '--jobs', '1', ...extra];
  const asNobody = env.QFC_RUN_AS_NOBODY === '1' ? { uid: 65534, gid: 65534 } : {};
  const run = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [QFC, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...env, TMPDIR: ownTemporary }, ...asNobody });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
  expect(run.stderr).not.toMatch(/^\s+at /m); // never a stack trace
  expect(existsSync(join(out, 'results.json')), `no report: ${run.stderr}`).toBe(true);
  expect(existsSync(join(out, 'index.html'))).toBe(true);
  expect(hostileProcesses()).toEqual([]);
  // every sandbox removed (a qfc run as another user keeps its supervisor's build cache there)
  expect(readdirSync(ownTemporary).filter((name) => !name.startsWith('qfc-init-'))).toEqual([]);
  const document = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
  return { ...run, document, cases: document.cases };
}

const clauses = (result: CaseResult | undefined): string[] => result?.violations.map((violation) => violation.clause) ?? [];
const details = (result: CaseResult | undefined): string => result?.violations.map((violation) => violation.detail).join(' | ') ?? '';
const stderrOf = (result: CaseResult | undefined): string => String((result?.observed as { stderr?: unknown } | undefined)?.stderr ?? '');

beforeAll(() => {
  hostile = buildHostile();
});

afterAll(() => {
  expect(hostileProcesses()).toEqual([]);
});

const RECEIVER_CASE = ['*/single-file'];

describe.each(isRoot ? [['as root', []], ['as an unprivileged user', ['--uid', '65534']]] : [['as this user', []]])('hostile receivers %s', (_who, user) => {
  it('remounting the host read-write and writing /tmp is killed by the sandbox: fail inv.no-escape, the host untouched', async () => {
    const marker = join(tmpdir(), `qfc-hostile-escape-${tag}`);
    const run = await certifyHostile('remount', marker, RECEIVER_CASE, user as string[]);
    expect(run.status).toBe(1);
    expect(run.cases[0]!.verdict).toBe('fail');
    expect(clauses(run.cases[0])).toContain('inv.no-escape');
    expect(existsSync(marker)).toBe(false);
  });

  it('ptrace of its parent is killed by the sandbox: fail inv.no-escape', async () => {
    const run = await certifyHostile('ptrace', '', RECEIVER_CASE, user as string[]);
    expect(clauses(run.cases[0])).toContain('inv.no-escape');
  });

  it('cannot make a device node (no CAP_MKNOD); the fifo it makes fails inv.no-special-files', async () => {
    const run = await certifyHostile('special-files', '', RECEIVER_CASE, user as string[]);
    expect(clauses(run.cases[0])).toContain('inv.no-special-files');
    expect(stderrOf(run.cases[0])).toMatch(/mknod a character device: Operation not permitted/);
    expect(details(run.cases[0])).not.toMatch(/null-device/);
  });

  it('cannot make a file immutable or a directory append-only (no CAP_LINUX_IMMUTABLE); its extra files fail the case', async () => {
    const run = await certifyHostile('immutable', '', RECEIVER_CASE, user as string[]);
    expect(stderrOf(run.cases[0])).toMatch(/chattr \+i: Operation not permitted/);
    expect(stderrOf(run.cases[0])).toMatch(/chattr \+a: Operation not permitted/);
    expect(run.cases[0]!.verdict).toBe('fail');
  });

  it('allocating 6 GiB goes over the memory cap: fail inv.bounded with the figure', async () => {
    const run = await certifyHostile('memory', '', RECEIVER_CASE, [...(user as string[]), '--memory-limit', '128']);
    expect(clauses(run.cases[0])).toContain('inv.bounded');
    expect(details(run.cases[0])).toMatch(/memory cap of 128 MiB/);
    expect(run.cases[0]!.peakMemoryKiB).toBeGreaterThan(100 * 1024);
  });

  it('a setsid daemon left behind after a correct unpack: fail inv.bounded, and it is gone', async () => {
    const run = await certifyHostile('daemon', '', RECEIVER_CASE, user as string[]);
    expect(run.cases[0]!.verdict).toBe('fail');
    expect(details(run.cases[0])).toMatch(/left 1 process running after it exited/);
  });

  it('200 sleeping children left behind: fail inv.bounded naming the count', async () => {
    const run = await certifyHostile('children', '', RECEIVER_CASE, user as string[]);
    expect(details(run.cases[0])).toMatch(/left 200 processes running/);
  });

  it("cannot fill the host's memory through the sandbox's own filesystems (/dev/shm, /tmp, /dev, /)", async () => {
    const run = await certifyHostile('fill-memory-filesystems', '', RECEIVER_CASE, user as string[]);
    const written = (place: string): number => Number(new RegExp(`hostile: ${place} wrote (\\d+) MiB`).exec(stderrOf(run.cases[0]))?.[1] ?? -1);
    expect(written('/dev/shm/fill')).toBeLessThanOrEqual(16);
    expect(written('/tmp/fill')).toBe(0); // read-only for a receiver
    expect(written('/dev/fill')).toBe(0);
    expect(written('/fill')).toBe(0);
  });

  it('a fork flood is stopped at the process cap: fail inv.bounded, nothing left', async () => {
    const run = await certifyHostile('fork-flood', '', RECEIVER_CASE, user as string[]);
    expect(clauses(run.cases[0])).toContain('inv.bounded');
    expect(details(run.cases[0])).toMatch(/more than 512 processes at once|left \d+ processes running/);
  });

  it('a tree deeper than PATH_MAX with a mode-000 directory and a name that is not UTF-8: judged, reported, removed', async () => {
    const run = await certifyHostile('deep', '', RECEIVER_CASE, user as string[]);
    expect(run.status).toBe(1);
    expect(run.cases[0]!.verdict).toBe('fail'); // the tree is not the stream's
    expect(details(run.cases[0])).toMatch(/d{200}/);
  });

  it('writes through /proc/self/root, /proc/1/root, /proc/1/cwd and /dev/shm reach nothing of the host', async () => {
    const marker = join(tmpdir(), `qfc-hostile-proc-${tag}`);
    const run = await certifyHostile('proc-escape', marker, RECEIVER_CASE, user as string[]);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync('/dev/shm/qfc-hostile-shm')).toBe(false);
    expect(run.cases[0]!.verdict).toBe('pass'); // nothing escaped, and it then unpacked correctly
  });

  it('cannot reach a unix socket of the host, abstract or by path', async () => {
    const name = `qfc-hostile-socket-${tag}`;
    const path = join(tmpdir(), name);
    let connections = 0;
    const servers: Server[] = [createServer(() => (connections += 1)), createServer(() => (connections += 1))];
    await new Promise<void>((resolve) => servers[0]!.listen(`\0${name}`, resolve));
    await new Promise<void>((resolve) => servers[1]!.listen(path, resolve));
    chmodSync(path, 0o777);
    try {
      const run = await certifyHostile('sockets', name, RECEIVER_CASE, user as string[]);
      expect(connections).toBe(0);
      expect(stderrOf(run.cases[0])).not.toMatch(/SUCCEEDED/);
    } finally {
      for (const server of servers) server.close();
      rmSync(path, { force: true });
    }
  });

  it('reads no secret: /etc/shadow, /root, qfc\'s environment never reach the report', async () => {
    const secretFile = join(homedir(), `.qfc-hostile-secret-${tag}`);
    const secret = `secret-${tag}-file`;
    writeFileSync(secretFile, secret, { mode: 0o600 });
    const token = `secret-${tag}-token`;
    let run: HostileRun;
    try {
      run = await certifyHostile('secrets', `@${secretFile}`, RECEIVER_CASE, user as string[], { ...process.env, CI_JOB_TOKEN: token });
    } finally {
      rmSync(secretFile, { force: true });
    }
    const report = JSON.stringify(run.document);
    expect(report).not.toContain(token);
    expect(report).not.toContain(secret);
    expect(report).not.toMatch(/read \/etc\/shadow/);
    expect(report).not.toMatch(/read \/root/);
  });
});

describe('hostile receivers and the run as a whole', () => {
  it("cannot write into its FIFOs' directory nor see another run's FIFOs", async () => {
    const run = await certifyHostile('fifo-dir', '', ['*/single-file', '*/nested-tree'], ['--jobs', '2']);
    for (const result of run.cases) {
      expect(stderrOf(result)).toMatch(/planted: Read-only file system/);
      expect(stderrOf(result).match(/sees FIFO directory/g) ?? []).toHaveLength(1); // its own only
      expect(result.verdict).toBe('pass');
    }
  });

  it('a hostile sender is blamed for what it leaves running, not the receiver', async () => {
    const temporary = tempDir('qfc-hostile-tmp-');
    const out = join(tempDir('qfc-hostile-report-'), 'run');
    const sender = `${hostile} daemon -- ${process.execPath} ${new URL('../../../dist/bin/qfile-agent.js', import.meta.url).pathname}`;
    const status = await new Promise<number | null>((resolve) => spawn(process.execPath, [QFC, 'certify', '--sender', sender, '--only', 'sender/send-single-file', '--out', out], { stdio: 'ignore', env: { ...process.env, TMPDIR: temporary } }).on('close', resolve));
    expect(status).toBe(1);
    const result = (JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument).cases[0]!;
    expect(details(result)).toMatch(/^the sender left 1 process running/);
    expect(details(result)).not.toMatch(/the receiver/);
    expect(hostileProcesses()).toEqual([]);
    expect(readdirSync(temporary)).toEqual([]);
  });

  it('a receiver that hangs ignoring SIGTERM: K time-outs in a row stop the run, the rest is error', async () => {
    const run = await certifyHostile('hang', '', ['*/single-file', '*/nested-tree', '*/empty-stream', '*/dotdot-leading'], ['--time-limit', '300', '--max-timeouts', '2']);
    expect(run.cases.map((result) => result.verdict)).toEqual(['fail', 'fail', 'error', 'error']);
    expect(run.cases[2]!.notes.join(' ')).toMatch(/aborted after 2 time-outs in a row/);
    expect(run.document.run.stoppedEarly).toMatch(/aborted after 2 time-outs/);
  });

  it('--keep-going runs every case of a hanging receiver', async () => {
    const run = await certifyHostile('hang', '', ['*/single-file', '*/nested-tree', '*/empty-stream'], ['--time-limit', '300', '--keep-going']);
    expect(run.cases.map((result) => result.verdict)).toEqual(['fail', 'fail', 'fail']);
  });

  it('a receiver that closes its input and output and stays: fail inv.bounded (time limit)', async () => {
    const run = await certifyHostile('close-and-stay', '', RECEIVER_CASE, ['--time-limit', '500']);
    expect(details(run.cases[0])).toMatch(/did not end within 500 ms/);
  });

  it('in a sender case, a receiver that hangs after its result is blamed, not the reference sender', async () => {
    const run = await certifyHostile('after-hang', '', ['sender/send-single-file'], ['--time-limit', '1500']);
    const result = run.cases[0]!;
    expect(result.verdict).toBe('fail');
    expect(details(result)).toMatch(/^the receiver did not end within/);
    expect(details(result)).not.toMatch(/the sender/);
  });

  it('in a sender case, a receiver that floods after its result is blamed for the flood', async () => {
    const run = await certifyHostile('after-flood', '', ['sender/send-single-file']);
    const result = run.cases[0]!;
    expect(details(result)).toMatch(/the receiver flooded its stdout/);
    expect(details(result)).not.toMatch(/the sender/);
  });

  it('a TMPDIR outside /tmp does not hide programs that live under /tmp', async () => {
    const elsewhere = join('/var/tmp', `qfc-tmpdir-${tag}`);
    mkdirSync(elsewhere, { recursive: true });
    try {
      // the receiver (a program under /tmp that attacks nothing) and the reference sender are
      // both visible although qfc's own temporary directory is elsewhere
      const run = await certifyHostile('none', '', ['*/single-file', 'sender/send-single-file'], [], { ...process.env, TMPDIR: elsewhere });
      expect(run.cases.map((result) => `${result.id} ${result.verdict}`)).toEqual(['single-file pass', 'send-single-file pass']);
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('a hostile OpenInVM server', () => {
  it('that swaps the log qfc reads back for a link to a host secret: fail open.server-confined, the secret never read', async () => {
    const secretFile = join(homedir(), `.qfc-hostile-editor-secret-${tag}`);
    const secret = `secret-${tag}-editor`;
    writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
    const dir = tempDir('qfc-hostile-editor-');
    chmodSync(dir, 0o755);
    const script = join(dir, 'server.sh');
    const bin = (name: string): string => new URL(`../../../dist/bin/${name}.js`, import.meta.url).pathname;
    // a link target is only a string: the secret's path need not be visible to be aimed at
    writeFileSync(script, `#!/bin/sh\nroot=$(dirname "$QFC_OPENER")\nln -sf "$QFC_HOSTILE_TARGET" "$root/opened.log"\nexec ${process.execPath} ${bin('vm-file-editor')}\n`, { mode: 0o755 });
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ contract: 2, name: 'hostile editor', openInVm: { client: [process.execPath, bin('qopen-in-vm')], server: ['/bin/sh', script] } }));
    const out = join(tempDir('qfc-hostile-report-'), 'run');
    try {
      const run = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [QFC, 'certify', '--impl', manifest, '--only', 'open-in-vm/edited-file-copied-back', '--out', out], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, QFC_HOSTILE_TARGET: secretFile } });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (status) => resolve({ status, stderr }));
      });
      expect(run.status, run.stderr).toBe(1);
      const document = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
      expect(JSON.stringify(document)).not.toContain(secret);
      expect(clauses(document.cases[0])).toContain('open.server-confined');
      expect(details(document.cases[0])).toMatch(/opened\.log/);
    } finally {
      rmSync(secretFile, { force: true });
    }
  });
});

describe('hostile receivers without bubblewrap (--no-sandbox)', () => {
  it('a daemon holding stdout does not keep the case waiting: it is named and killed', async () => {
    const run = await certifyHostile('stdout-holder', '', RECEIVER_CASE, ['--no-sandbox']);
    expect(details(run.cases[0])).toMatch(/left 1 process running/);
    expect(run.document.implementation.sandbox).toMatch(/UNCONFINED/);
  });

  it('killing its ancestors cannot reach qfc: the run ends with its report', async () => {
    const run = await certifyHostile('kill-ancestors', '', RECEIVER_CASE, ['--no-sandbox']);
    expect(run.status).toBe(0);
    expect(run.cases[0]!.verdict).toBe('pass');
  });

  it.runIf(isRoot)('an immutable file and an append-only directory left in the target are judged and removed', async () => {
    const run = await certifyHostile('immutable', '', RECEIVER_CASE, ['--no-sandbox']);
    expect(stderrOf(run.cases[0])).toMatch(/chattr \+i: SUCCEEDED/);
    expect(run.cases[0]!.verdict).toBe('fail');
  });

  it('a tree deeper than PATH_MAX is judged and removed', async () => {
    const run = await certifyHostile('deep', '', RECEIVER_CASE, ['--no-sandbox']);
    expect(run.cases[0]!.verdict).toBe('fail');
  });
});

/** True when a user other than root can run qfc from where it is (the clone's parents are searchable). */
function reachableByNobody(): boolean {
  const probe = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(QFC)}, require('fs').constants.R_OK)`], { uid: 65534, gid: 65534 });
  return probe.status === 0;
}

describe.runIf(isRoot)('qfc itself run by an unprivileged user', () => {
  const reachable = isRoot && reachableByNobody();
  it.runIf(reachable)('contains the same attacks: a daemon, a remount, a deep tree', async () => {
    const asNobody = (attack: string, arg = ''): Promise<HostileRun> => {
      const out = tempDir('qfc-hostile-nobody-');
      chmodSync(out, 0o777);
      return certifyHostile(attack, arg, RECEIVER_CASE, ['--out', join(out, 'run')], { ...process.env, QFC_RUN_AS_NOBODY: '1' });
    };
    const marker = join(tmpdir(), `qfc-hostile-nobody-${tag}`);
    expect(details((await asNobody('daemon')).cases[0])).toMatch(/left 1 process running/);
    expect(clauses((await asNobody('remount', marker)).cases[0])).toContain('inv.no-escape');
    expect(existsSync(marker)).toBe(false);
    expect((await asNobody('deep')).cases[0]!.verdict).toBe('fail');
  });
  it.runIf(!reachable)('is not tried: the checkout is not reachable by uid 65534 here', () => {
    expect(reachable).toBe(false);
  });
});

describe('qfc stopped by a signal', () => {
  it('SIGTERM during a run: the programs are killed, the report of what ran is written, sandboxes removed, exit 143', async () => {
    const temporary = tempDir('qfc-hostile-tmp-');
    const out = join(tempDir('qfc-hostile-report-'), 'run');
    const receiver = `${hostile} hang -- ${process.execPath} ${UNPACKER}`;
    const child = spawn(process.execPath, [QFC, 'certify', '--receiver', receiver, '--only', '*/single-file', '--only', '*/nested-tree', '--out', out, '--time-limit', '30000', '--jobs', '1'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TMPDIR: temporary } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // wait until the hostile program runs, then stop qfc as a CI job's time-out would
    for (let i = 0; i < 200 && hostileProcesses().length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hostileProcesses().length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status, stderr).toBe(143);
    const document = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
    expect(document.run.stoppedEarly).toMatch(/interrupted \(SIGTERM\)/);
    expect(document.cases.map((result) => result.verdict)).toEqual(['error', 'skipped']);
    expect(hostileProcesses()).toEqual([]);
    expect(readdirSync(temporary)).toEqual([]);
    expect(statSync(out).isDirectory()).toBe(true);
  });
});
