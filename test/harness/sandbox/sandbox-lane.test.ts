/**
 * Sandbox lanes (harness/sandbox/sandbox-lane.ts) are exactly as isolating as one sandbox per
 * run: a hostile run leaves every trace it can (files in the target, outside and the sandbox
 * root, the root's mode, an xattr and a default ACL on it, /tmp and /dev/shm, SysV IPC and a
 * message queue, an open descriptor, a daemon holding an abstract socket, a mount attempt),
 * and the next run of the same lane looks for each of them and finds none; its environment,
 * mounts and umask are those of a run in a fresh lane. Run as root and, when root, with the
 * programs as nobody. A lane that stops answering or dies is replaced.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LanePool } from '../../../harness/sandbox/lane-pool.js';
import { bwrapAvailable, runContained, type ContainedResult } from '../../../harness/sandbox/run-contained.js';
import type { SandboxLane } from '../../../harness/sandbox/sandbox-lane.js';
import { buildHostile } from '../../helpers/build-hostile.js';
import { tempDir } from '../../helpers/temp-dir.js';

const isRoot = process.getuid?.() === 0;
let hostile = '';

beforeAll(() => {
  hostile = buildHostile();
});

function pool(user: { uid: number; gid: number } | null, writablePaths: readonly string[] = []): LanePool {
  const base = tempDir('qfc-lane-');
  chmodSync(base, 0o755);
  return new LanePool({ base, env: { PATH: '/usr/bin:/bin' }, visiblePaths: [join(hostile, '..')], ...(writablePaths.length === 0 ? {} : { writablePaths }), ...(user === null ? {} : { uid: user.uid, gid: user.gid, owner: user }) });
}

/** Run `body` with a fresh pool of lanes for `user`, which must close leaving nothing behind. */
async function withLanes(user: { uid: number; gid: number } | null, body: (lanes: LanePool) => Promise<void>, writablePaths: readonly string[] = []): Promise<void> {
  const lanes = pool(user, writablePaths);
  try {
    await body(lanes);
  } finally {
    expect(lanes.close()).toEqual([]);
  }
}

function run(lane: SandboxLane, argv: readonly string[], env: Record<string, string> = { PATH: '/usr/bin:/bin' }, timeLimitMs = 10_000, writablePaths?: readonly string[]): Promise<ContainedResult> {
  return runContained({
    ...(writablePaths === undefined ? {} : { writablePaths }),
    lane,
    argv,
    cwd: lane.sandbox.target,
    writableRoot: lane.sandbox.root,
    stdin: null,
    env,
    timeLimitMs,
    stdoutCap: 1 << 20,
    stderrCap: 1 << 20,
    fileSizeCap: 1 << 26,
    memoryLimit: 256 << 20,
    confinement: 'bwrap',
    readOnlyTmp: true,
    ...(userOf(lane) === null ? {} : { uid: userOf(lane)!.uid, gid: userOf(lane)!.gid }),
  });
}

const userOf = (lane: SandboxLane): { uid: number; gid: number } | null => (lane as unknown as { options: { owner?: { uid: number; gid: number } } }).options.owner ?? null;

const traces = (result: ContainedResult): string[] => result.stdout.toString('utf8').split('\n').filter((line) => line.startsWith('TRACE'));
const facts = (result: ContainedResult): string[] => result.stdout.toString('utf8').split('\n').filter((line) => /^(ENV|MOUNTS|UMASK|LISTED) /.test(line));

const users: [string, { uid: number; gid: number } | null][] = [[isRoot ? 'as root' : 'as qfc\'s own user', null], ...(isRoot ? [['as nobody', { uid: 65534, gid: 65534 }] as [string, { uid: number; gid: number }]] : [])];

describe.skipIf(!bwrapAvailable()).each(users)('a sandbox lane, %s', (_label, user) => {
  it('shows a run nothing of the hostile run before it', () =>
    withLanes(user, async (lanes) => {
      let lane: SandboxLane | undefined;
      const fresh = (await lanes.use(async (used) => ((lane = used), run(used, [hostile, 'find-traces'], { PATH: '/usr/bin:/bin', RUN: 'first' })))).value;
      expect(traces(fresh)).toEqual([]);
      const attack = (await lanes.use(async (used) => {
        expect(used).toBe(lane); // the same lane, reused
        return run(used, [hostile, 'leave-traces'], { PATH: '/usr/bin:/bin', SECRET: 'run-2' });
      })).value;
      const told = attack.stderr.toString('utf8');
      // The attack did leave what it could: the traces below are real, not a failed setup.
      expect(told).toMatch(/trace-in-target: SUCCEEDED/);
      if (user === null) {
        // Only a root run can write beside its target (a run as nobody is refused there).
        expect(told).toMatch(/trace-in-root: SUCCEEDED/);
        expect(told).toMatch(/chmod the sandbox root 0777: SUCCEEDED/);
        expect(told).toMatch(/set a user xattr on the sandbox root: SUCCEEDED/);
        expect(told).toMatch(/set a default ACL on the sandbox root: SUCCEEDED/);
      }
      expect(told).toMatch(/open a descriptor without close-on-exec: SUCCEEDED/);
      expect(told).toMatch(/bind an abstract socket: SUCCEEDED/);
      expect(told).toMatch(/shmget: Operation not permitted/);
      expect(told).toMatch(/mq_open: Operation not permitted/);
      expect(told).toMatch(/\/tmp\/trace: Read-only file system/);
      expect(told).toMatch(/\/dev\/shm\/trace: Read-only file system/);
      expect(attack.signal).toBe('SIGSYS'); // the mount, last
      expect(attack.supervision?.leftoverCount).toBeGreaterThanOrEqual(1); // the daemon
      const after = (await lanes.use(async (used) => {
        expect(used).toBe(lane);
        return run(used, [hostile, 'find-traces'], { PATH: '/usr/bin:/bin', RUN: 'first' });
      })).value;
      expect(after.status).toBe(0);
      expect(traces(after)).toEqual([]);
      expect(facts(after)).toEqual(facts(fresh));
      expect(facts(after)).toContain('ENV RUN=first');
      expect(after.stdout.toString('utf8')).not.toMatch(/SECRET/);
      expect(lanes.started).toBe(1);
      }));

    it('keeps serving when a run signals its supervisor (PID 1) to stop', () =>
    withLanes(user, async (lanes) => {
      const attack = (await lanes.use((lane) => run(lane, [hostile, 'signal-init']))).value;
      expect(attack.stderr.toString('utf8')).toMatch(/signal PID 1/);
      expect(attack.status).toBe(0);
      expect(attack.supervision?.final).toBe(true);
      const next = (await lanes.use((lane) => run(lane, [hostile, 'find-traces']))).value;
      expect(next.status).toBe(0);
      expect(traces(next)).toEqual([]);
      expect(lanes.started).toBe(1);
      }));

    it('kills a run at its time limit, reports it, and serves the next run in the same lane', () =>
    withLanes(user, async (lanes) => {
      const hung = (await lanes.use((lane) => run(lane, [hostile, 'hang'], undefined, 500))).value;
      expect(hung.timedOut).toBe(true);
      expect(hung.supervision?.final).toBe(true);
      const next = (await lanes.use((lane) => run(lane, [hostile, 'find-traces']))).value;
      expect(next.status).toBe(0);
      expect(traces(next)).toEqual([]);
      expect(lanes.started).toBe(1);
      }));

    it('replaces a lane that died under a run: the run is an error of the harness, the next gets a new lane', () =>
    withLanes(user, async (lanes) => {
      let first: SandboxLane | undefined;
      const killed = (await lanes.use(async (lane) => {
        first = lane;
        const running = run(lane, [hostile, 'hang']);
        await new Promise((resolve) => setTimeout(resolve, 200));
        // What a crash of the supervisor or bwrap looks like from qfc's side.
        process.kill(-(lane as unknown as { child: { pid: number } }).child.pid, 'SIGKILL');
        const ended = await running;
        // The case still snapshots what the run left: the sandbox goes only after the body.
        expect(existsSync(lane.sandbox.target)).toBe(true);
        return ended;
      })).value;
      expect(killed.spawnError).toMatch(/sandbox lane ended during the run/);
      const next = (await lanes.use(async (lane) => {
        expect(lane).not.toBe(first);
        return run(lane, [hostile, 'find-traces']);
      })).value;
      expect(next.status).toBe(0);
      expect(traces(next)).toEqual([]);
      expect(lanes.started).toBe(2);
      }));

    it('gives each run its own working directory, arguments and limits', () =>
    withLanes(user, async (lanes) => {
      const first = (await lanes.use((lane) => run(lane, ['/bin/sh', '-c', 'pwd; ulimit -f; echo "$0" "$1"', 'a b', 'c']))).value;
      expect(first.stdout.toString('utf8').split('\n')).toEqual([expect.stringMatching(/\/target$/), String((1 << 26) / 512), 'a b c', '']);
      const missing = (await lanes.use((lane) => run(lane, ['/nonexistent/program']))).value;
      expect(missing.spawnError).toMatch(/cannot run \/nonexistent\/program: No such file or directory/);
      // A run that asks for another sandbox than the lane's is refused, not half-honoured.
      const writableTmp = (await lanes.use((lane) => runContained({ lane, argv: ['/bin/true'], cwd: lane.sandbox.target, writableRoot: lane.sandbox.root, stdin: null, env: {}, timeLimitMs: 5000, stdoutCap: 1024, stderrCap: 1024, fileSizeCap: 1024, memoryLimit: 1 << 28, confinement: 'bwrap' }))).value;
      expect(writableTmp.spawnError).toMatch(/serves confined receiver runs only/);
      const after = (await lanes.use((lane) => run(lane, ['/bin/true']))).value;
      expect(after.status).toBe(0);
      expect(lanes.started).toBe(1);
      }));

    // --coverage binds one host directory writable into every lane (INTERPRETING §5): a run
    // writes there and nowhere else beside it, and a run that asks for more, less or another
    // directory than the lane's is refused before anything starts, never run half-honoured.
    it('lets a run write in the lane\'s one writable host directory only, and refuses a run that asks for another', () => {
      const host = tempDir('qfc-lane-writable-');
      chmodSync(host, 0o755);
      const coverage = join(host, 'coverage');
      const elsewhere = join(host, 'elsewhere');
      mkdirSync(coverage);
      mkdirSync(elsewhere);
      if (user !== null) chownSync(coverage, user.uid, user.gid);
      return withLanes(user, async (lanes) => {
        const attempt = `echo in > ${coverage}/written && echo WROTE-COVERAGE; echo out > ${elsewhere}/escaped && echo WROTE-ELSEWHERE; echo up > ${host}/escaped && echo WROTE-PARENT; true`;
        const granted = (await lanes.use((lane) => run(lane, ['/bin/sh', '-c', attempt], undefined, undefined, [coverage]))).value;
        expect(granted.stdout.toString('utf8')).toBe('WROTE-COVERAGE\n');
        expect(readFileSync(join(coverage, 'written'), 'utf8')).toBe('in\n');
        expect(readdirSync(elsewhere)).toEqual([]);
        expect(readdirSync(host).sort()).toEqual(['coverage', 'elsewhere']);
        for (const asked of [[], [elsewhere], [coverage, elsewhere], [host]]) {
          const refused = (await lanes.use((lane) => run(lane, ['/bin/sh', '-c', attempt], undefined, undefined, asked))).value;
          expect(refused.spawnError).toMatch(/must write where the lane lets it write/);
          expect(refused.stdout.length).toBe(0);
        }
        expect(readdirSync(elsewhere)).toEqual([]);
        expect(readdirSync(host).sort()).toEqual(['coverage', 'elsewhere']);
        // The refusals did not cost the lane: the next run is served by the same one.
        const after = (await lanes.use((lane) => run(lane, ['/bin/true'], undefined, undefined, [coverage]))).value;
        expect(after.status).toBe(0);
        expect(lanes.started).toBe(1);
      }, [coverage]);
    });
  });
