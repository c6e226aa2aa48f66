/**
 * qfc-init, the supervisor of every contained program: its build and cache, and what it
 * guarantees both as PID 1 under bubblewrap and in the PID namespace it makes itself
 * (--pidns, as root and as nobody): the program's end passed through, leftovers listed and
 * killed, the memory cap, the limits, watchers the program cannot kill, and a final report
 * that stays one line of JSON whatever the program named itself.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, createReadStream, createWriteStream, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInitProgram, initProgramPath, InitProgramError } from '../../../harness/sandbox/init-program.js';
import { PACKAGE_ROOT } from '../../../harness/package-root.js';
import { tempDir } from '../../helpers/temp-dir.js';

const NOBODY = 65534;
const MIB = 1 << 20;
const MEMORY_CAP = 256 * MIB;

interface Ready { ready: true; mode: string }
interface Final {
  status: number | null;
  signal: string | null;
  execError: string | null;
  peakRssKiB: number;
  memoryExceeded: boolean;
  leftover: { pid: number; comm: string; cmdline: string }[];
  leftoverCount: number;
}
interface InitRun {
  /** The init's own exit status. */
  readonly code: number | null;
  readonly lines: string[];
  readonly ready: Ready;
  readonly final: Final;
  readonly stdout: string;
  readonly ms: number;
  /** The program's stdout reached its end while the init still ran. */
  readonly stdoutEndedFirst: boolean;
}

/** How the init is started: in the namespace it makes, as bwrap's PID 1, or as a subreaper. */
type Setting = 'pidns' | 'bwrap' | 'subreaper';
const BWRAP = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--as-pid-1', '--die-with-parent', '--new-session'];

function initArgv(setting: Setting, init: string, options: readonly string[], program: readonly string[]): string[] {
  const own = ['--report-fd', '3', ...options, '--', ...program];
  if (setting === 'bwrap') return ['bwrap', ...BWRAP, '--', init, ...own];
  return [init, ...(setting === 'pidns' ? ['--pidns'] : []), ...own];
}

interface RunOptions {
  readonly uid?: number;
  /** Called once the ready line is in, with the init's stdin. */
  readonly onReady?: (child: ChildProcess, ready: Ready) => void;
  /** The run is a failure past this; the init is stopped. */
  readonly limitMs?: number;
}

/** Run the init to its end; collects the report from descriptor 3. */
function runInit(argv: readonly string[], options: RunOptions = {}): Promise<InitRun> {
  const started = Date.now();
  const [command, ...args] = argv;
  const child = spawn(command!, args, {
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  let report = '';
  let stdout = '';
  let stdoutEnded = false;
  let stdoutEndedFirst = false;
  let readySeen = false;
  child.stdin!.on('error', () => {});
  child.stderr!.resume(); // a fork flood complains at length
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('latin1')));
  child.stdout!.on('end', () => (stdoutEnded = true));
  child.stdio[3]!.on('data', (chunk: Buffer) => {
    report += chunk.toString('latin1');
    if (!readySeen && report.includes('\n')) {
      readySeen = true;
      options.onReady?.(child, JSON.parse(report.split('\n')[0]!) as Ready);
    }
  });
  const limit = setTimeout(() => child.kill('SIGKILL'), options.limitMs ?? 8000);
  child.on('exit', () => (stdoutEndedFirst = stdoutEnded));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      const lines = report.split('\n');
      if (lines.pop() !== '') return reject(new Error(`the report does not end with a newline: ${JSON.stringify(report)}`));
      resolve({ code, lines, ready: JSON.parse(lines[0]!) as Ready, final: JSON.parse(lines.at(-1)!) as Final, stdout, ms: Date.now() - started, stdoutEndedFirst });
    });
  });
}

/** Sleep durations unique to this run: the marks of the processes a test leaves behind. */
const marks = new Set<string>();
function mark(): string {
  const made = `31.${process.pid % 1000}${marks.size + 10}`;
  marks.add(made);
  return made;
}

/** Pids, as the host sees them, of processes whose argv is `argv` or whose name is `comm`. */
function processesLike(argv: readonly string[] | null, comm: string | null): number[] {
  const wanted = argv === null ? null : `${argv.join('\0')}\0`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (wanted !== null && readFileSync(`/proc/${entry}/cmdline`, 'latin1') === wanted) found.push(Number(entry));
      if (comm !== null && readFileSync(`/proc/${entry}/comm`, 'latin1') === `${comm}\n`) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

let init: string;
/** The same binary where nobody can reach it (the cache may be private to root). */
let publicInit: string;
let publicDir: string;
let floodName: string;

afterAll(() => {
  // A safety net only: each test checks that nothing of its own survived.
  const strays = [...marks].flatMap((made) => processesLike(['sleep', made], null));
  if (floodName !== undefined) strays.push(...processesLike(null, floodName));
  for (const pid of strays) process.kill(pid, 'SIGKILL');
});

beforeAll(() => {
  init = initProgramPath();
  publicDir = tempDir('qfc-init-public-');
  chmodSync(publicDir, 0o755);
  publicInit = join(publicDir, 'qfc-init');
  copyFileSync(init, publicInit);
  chmodSync(publicInit, 0o755);
  // Holds what it could get when RLIMIT_DATA stops it, so that the polled cap must act.
  writeFileSync(
    join(publicDir, 'hog.c'),
    `#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(void) {
  for (int i = 0; i < 2048; i++) {
    char *chunk = malloc(1 << 20);
    if (chunk == NULL) for (;;) pause();
    memset(chunk, i | 1, 1 << 20);
  }
  for (;;) pause();
}
`,
  );
  const built = spawnSync('cc', ['-O2', '-o', join(publicDir, 'hog'), join(publicDir, 'hog.c')], { encoding: 'utf8' });
  expect(built.stderr).toBe('');
  floodName = `flood-${process.pid.toString(16).slice(-6)}`;
  copyFileSync('/bin/sh', join(publicDir, floodName));
  chmodSync(join(publicDir, floodName), 0o755);
});

describe('initProgramPath', () => {
  const hash = createHash('sha256').update(readFileSync(join(PACKAGE_ROOT, 'harness', 'sandbox', 'native', 'qfc-init.c'))).digest('hex').slice(0, 16);

  it('builds once, into a directory named by the hash of the source', () => {
    expect(initProgramPath()).toBe(init);
    expect(basename(init)).toBe('qfc-init');
    expect(basename(join(init, '..'))).toBe(hash);
    expect(statSync(init).mode & 0o111).not.toBe(0);
  });

  it('reuses a build in its cache without compiling again', () => {
    const root = tempDir('qfc-init-cache-');
    const binary = buildInitProgram(root);
    expect(binary).toBe(join(root, hash, 'qfc-init'));
    expect(buildInitProgram(root, '/nonexistent/cc')).toBe(binary);
  });

  it('says in one line that a C compiler is needed when there is none, or it fails', () => {
    for (const compiler of ['/nonexistent/cc', 'false']) {
      const attempt = (): string => buildInitProgram(tempDir('qfc-init-cache-'), compiler);
      expect(attempt).toThrow(InitProgramError);
      expect(attempt).toThrow(/^qfc needs a C compiler once to build its sandbox supervisor: apt-get install gcc libc6-dev \(.* failed: [^\n]+\)$/);
    }
  });

  it('refuses a cache that others can write or that is not ours: a planted binary would run as us', () => {
    const open = tempDir('qfc-init-cache-');
    chmodSync(open, 0o777);
    expect(() => buildInitProgram(open)).toThrow(/writable by others/);
    const foreign = tempDir('qfc-init-cache-');
    chownSync(foreign, NOBODY, NOBODY);
    expect(() => buildInitProgram(foreign)).toThrow(InitProgramError);
  });
});

const settings: Setting[] = spawnSync('bwrap', ['--ro-bind', '/', '/', '--unshare-pid', '--', 'true']).status === 0 ? ['pidns', 'bwrap'] : ['pidns'];

describe.each(settings)('qfc-init (%s)', (setting) => {
  const run = (program: readonly string[], options: readonly string[] = [], more: RunOptions = {}): Promise<InitRun> =>
    runInit(initArgv(setting, init, options, program), more);

  it('says ready first, then passes the exit status through in one final line', async () => {
    // The report descriptor is close-on-exec: the program cannot write a fake report.
    const result = await run(['sh', '-c', 'test -e /dev/fd/3 && echo leaked; echo ran; exit 7']);
    expect(result.lines).toHaveLength(2);
    expect(result.ready).toEqual({ ready: true, mode: 'pidns' });
    expect(result.final).toMatchObject({ status: 7, signal: null, execError: null, memoryExceeded: false, leftover: [], leftoverCount: 0 });
    expect(result.code).toBe(7);
    expect(result.stdout).toBe('ran\n');
  });

  it('passes the signal that killed the program through', async () => {
    const result = await run(['sh', '-c', 'kill -TERM $$']);
    expect(result.final).toMatchObject({ status: null, signal: 'SIGTERM' });
    expect(result.code).toBe(128 + 15);
  });

  it('exits 127 with the reason when the program cannot be executed', async () => {
    const result = await run(['/nonexistent/program']);
    expect(result.final).toMatchObject({ status: null, signal: null, execError: 'No such file or directory' });
    expect(result.code).toBe(127);
  });

  it('gives the program --in and --out (FIFOs) as its stdin and stdout', async () => {
    const dir = tempDir('qfc-init-fifo-');
    const [input, output] = [join(dir, 'in'), join(dir, 'out')];
    expect(spawnSync('mkfifo', [input, output]).status).toBe(0);
    createWriteStream(input).end('hello\n');
    let received = '';
    const reader = createReadStream(output, 'latin1').on('data', (chunk) => (received += chunk));
    const drained = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    const result = await run(['sh', '-c', 'read x; echo "got $x"'], ['--in', input, '--out', output]);
    await drained;
    expect(result.final.status).toBe(0);
    expect(received).toBe('got hello\n');
  });

  it('exits 126 with a final line alone when --in cannot be opened', async () => {
    const result = await run(['true'], ['--in', '/nonexistent/fifo']);
    expect(result.lines).toHaveLength(1);
    expect(result.final.execError).toBe('cannot open --in /nonexistent/fifo: No such file or directory');
    expect(result.code).toBe(126);
  });

  it('lists a daemon in its own session as a leftover, and kills it', async () => {
    const made = mark();
    const result = await run(['sh', '-c', `setsid sleep ${made} & exit 0`]);
    expect(result.final).toMatchObject({ status: 0, leftoverCount: 1 });
    expect(result.final.leftover.map(({ comm, cmdline }) => [comm, cmdline])).toEqual([['sleep', `sleep ${made}`]]);
    expect(processesLike(['sleep', made], null)).toEqual([]);
  });

  it('counts 200 leftover children, lists 20, and kills them all', async () => {
    const made = mark();
    const result = await run(['sh', '-c', `i=0; while [ $i -lt 200 ]; do sleep ${made} & i=$((i+1)); done; exit 0`]);
    expect(result.final.leftoverCount).toBe(200);
    expect(result.final.leftover).toHaveLength(20);
    expect(new Set(result.final.leftover.map(({ comm }) => comm))).toEqual(new Set(['sleep']));
    expect(processesLike(['sleep', made], null)).toEqual([]);
  });

  it('lists a child that closed stdin and stdout and kept running', async () => {
    const made = mark();
    const result = await run(['sh', '-c', `exec >&- <&-; sleep ${made} & exit 0`]);
    expect(result.final.leftover.map(({ cmdline }) => cmdline)).toEqual([`sleep ${made}`]);
    // Only the program held its stdout (bwrap's own monitor keeps a copy, hence qfc's FIFOs).
    if (setting === 'pidns') expect(result.stdoutEndedFirst).toBe(true);
    expect(processesLike(['sleep', made], null)).toEqual([]);
  });

  it('keeps the final line one line of JSON whatever a leftover is called', async () => {
    const dir = tempDir('qfc-init-names-');
    const evil = join(dir, 'evil"\nnam\u00e9');
    copyFileSync('/bin/sleep', evil);
    chmodSync(evil, 0o755);
    const made = mark();
    const result = await run(['sh', '-c', `"$0" ${made} & exit 0`, evil]);
    expect(result.lines).toHaveLength(2);
    expect(result.lines[1]).toMatch(/^[\x20-\x7e]+$/);
    const [leftover] = result.final.leftover;
    // Bytes above 0x7f come as \u00XX: the name's bytes read back as Latin-1.
    expect(Buffer.from(leftover!.comm, 'latin1').toString('utf8')).toBe('evil"\nnam\u00e9');
    expect(Buffer.from(leftover!.cmdline, 'latin1').toString('utf8')).toBe(`${evil} ${made}`);
  });

  it('kills everything once the memory it supervises goes over --memory, and says so', async () => {
    const result = await run([join(publicDir, 'hog')], ['--memory', String(MEMORY_CAP)]);
    expect(result.final).toMatchObject({ status: null, signal: 'SIGKILL', memoryExceeded: true });
    expect(result.final.peakRssKiB).toBeGreaterThanOrEqual(MEMORY_CAP / 1024);
    expect(result.final.peakRssKiB).toBeLessThan((MEMORY_CAP + 80 * MIB) / 1024); // RLIMIT_DATA, plus code
    expect(result.ms).toBeLessThan(5000);
  });

  it('applies its limits, and no core dumps ever', async () => {
    const result = await run(['cat', '/proc/self/limits'], ['--fsize', '1000000', '--memory', String(MEMORY_CAP), '--nofile', '256', '--nproc', '64']);
    const limit = (name: string): string => new RegExp(`^${name}\\s+(\\S+)\\s+(\\S+)`, 'm').exec(result.stdout)?.slice(1).join(' ') ?? 'absent';
    expect(limit('Max core file size')).toBe('0 0');
    expect(limit('Max file size')).toBe('1000000 1000000');
    expect(limit('Max data size')).toBe(`${MEMORY_CAP + 64 * MIB} ${MEMORY_CAP + 64 * MIB}`);
    expect(limit('Max open files')).toBe('256 256');
    expect(limit('Max processes')).not.toBe('64 64'); // root is not held by RLIMIT_NPROC
  });
});

/** Lists the init's descriptors, found as the parent in the host's /proc: refused while it is not dumpable. */
const EXPOSED = 'read -r line < /proc/self/stat; set -- ${line##*") "}; ls /proc/$2/fd >/dev/null 2>&1 && echo exposed';

describe('qfc-init in the PID namespace it makes (--pidns)', () => {
  it('stops the program when qfc stops it, and still reports', async () => {
    const made = mark();
    const result = await runInit(initArgv('pidns', init, [], ['sleep', made]), { onReady: (child) => setTimeout(() => child.kill('SIGTERM'), 100) });
    expect(result.final).toMatchObject({ status: null, signal: 'SIGKILL' });
    expect(result.code).toBe(128 + 9);
    expect(processesLike(['sleep', made], null)).toEqual([]);
  });

  it('stops a big write at --fsize', async () => {
    const file = join(tempDir('qfc-init-fsize-'), 'big');
    const result = await runInit(initArgv('pidns', init, ['--fsize', '1000000'], ['sh', '-c', `exec head -c 3000000 /dev/zero > ${file}`]));
    expect(result.final.signal).toBe('SIGXFSZ');
    expect(statSync(file).size).toBeLessThanOrEqual(1_000_000);
  });

  it('lets node start under the memory cap (RLIMIT_DATA, not RLIMIT_AS)', async () => {
    const result = await runInit(initArgv('pidns', init, ['--memory', String(MEMORY_CAP)], [process.execPath, '-e', 'process.exit(3)']));
    expect(result.final).toMatchObject({ status: 3, memoryExceeded: false });
  });

  it('cannot be killed by its program, nor can anything above it', async () => {
    // Walks up its ancestors as the host's /proc names them and SIGKILLs each (only pids of
    // its own namespace mean anything to kill(2) there), then asks its init to stop, which
    // only qfc may do. Gated on the namespace being real.
    const walk = `read go && [ "$go" = go ] && [ "$PPID" = 1 ] || exit 3
kill -9 "$PPID"
read -r line < /proc/self/stat
pid=\${line%% *}
while read -r line < /proc/$pid/stat; do
  set -- \${line##*") "}
  [ "$2" -gt 1 ] || break
  kill -9 "$2" 2>/dev/null; echo "tried $2"
  pid=$2
done
kill -TERM 1; kill -HUP 1; kill -INT 1; sleep 0.1`;
    const result = await runInit(initArgv('pidns', init, [], ['sh', '-c', walk]), {
      onReady: (child, ready) => child.stdin!.end(ready.mode === 'pidns' ? 'go\n' : 'stop\n'),
    });
    expect(result.final).toMatchObject({ status: 0, signal: null });
    expect(result.stdout).toContain(`tried ${process.pid}\n`);
    expect(result.code).toBe(0);
  });

  it('as nobody, gets a user namespace too and still collects what the program leaves', async () => {
    const made = mark();
    const result = await runInit(initArgv('pidns', publicInit, ['--nproc', '64'], ['sh', '-c', `setsid sleep ${made} & grep -E '^Max processes' /proc/self/limits; id -u; ${EXPOSED}; exit 5`]), { uid: NOBODY });
    expect(result.ready.mode).toBe('userns+pidns');
    expect(result.final).toMatchObject({ status: 5, leftoverCount: 1 });
    expect(result.stdout).toMatch(/^Max processes\s+64\s+64\s+processes\s*\n65534\n$/); // and no "exposed"
    expect(processesLike(['sleep', made], null)).toEqual([]);
  });

  it('as nobody under --nproc 64, ends a fork flood with everything killed', async () => {
    const flood = join(publicDir, floodName);
    const result = await runInit(initArgv('pidns', publicInit, ['--nproc', '64'], [flood, '-c', 'f() { f | f & }; f; exec sleep 0.3']), { uid: NOBODY, limitMs: 5000 });
    expect(result.final).toMatchObject({ status: 0, signal: null });
    expect(result.final.leftover.filter(({ comm }) => comm !== floodName)).toEqual([]);
    expect(processesLike(null, floodName)).toEqual([]);
  });
});

describe('qfc-init without a namespace (a subreaper)', () => {
  it('still collects and kills a daemon the program leaves', async () => {
    const made = mark();
    const result = await runInit(initArgv('subreaper', init, [], ['sh', '-c', `setsid sleep ${made} & exit 0`]));
    expect(result.ready.mode).toBe('subreaper');
    expect(result.final.leftover.map(({ cmdline }) => cmdline)).toEqual([`sleep ${made}`]);
    expect(processesLike(['sleep', made], null)).toEqual([]);
  });
});
