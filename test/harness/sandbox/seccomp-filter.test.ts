/**
 * The seccomp filter: a valid classic-BPF program that checks the ABI first, whose verdicts
 * match its rule records (run through a small BPF interpreter, for both arches), whose numbers
 * match the installed kernel headers, and which, installed by bwrap, kills the escape calls,
 * refuses the probed ones with an errno, and leaves Node, the shell and gcc working.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeSeccomp, MAX_INSTRUCTIONS, seccompProgram, syscallNumber, SYSCALL_RULES } from '../../../harness/sandbox/seccomp-filter.js';
import { tempDir } from '../../helpers/temp-dir.js';

const ARCHES = [{ arch: 'x64', auditArch: 0xc000003e }, { arch: 'arm64', auditArch: 0xc00000b7 }] as const;
const ALLOW = 0x7fff0000;
const KILL = 0x80000000;
const EPERM = 0x00050000 | constants.errno.EPERM;
const ENOSYS = 0x00050000 | constants.errno.ENOSYS;
const RETURNS = { kill: KILL, eperm: EPERM, enosys: ENOSYS } as const;
const JUMPS = new Set([0x15, 0x45]);
const KNOWN_CODES = new Set([0x20, 0x15, 0x45, 0x06]);

interface Instruction { code: number; jt: number; jf: number; k: number }

function decode(program: Buffer): Instruction[] {
  return Array.from({ length: program.length / 8 }, (_, pc) => ({
    code: program.readUInt16LE(pc * 8), jt: program.readUInt8(pc * 8 + 2), jf: program.readUInt8(pc * 8 + 3), k: program.readUInt32LE(pc * 8 + 4),
  }));
}

/** What the kernel would return for one call: a classic-BPF interpreter for the opcodes the filter uses. */
function verdict(program: Buffer, call: { arch: number; nr: number; args?: readonly bigint[] }): number {
  const data = Buffer.alloc(64); // struct seccomp_data
  data.writeUInt32LE(call.nr >>> 0, 0);
  data.writeUInt32LE(call.arch, 4);
  (call.args ?? []).forEach((arg, i) => data.writeBigUInt64LE(arg, 16 + 8 * i));
  const code = decode(program);
  let a = 0;
  for (let pc = 0; pc < code.length;) {
    const { code: op, jt, jf, k } = code[pc]!;
    if (op === 0x20) { a = data.readUInt32LE(k); pc += 1; }
    else if (op === 0x15) pc += 1 + (a === k ? jt : jf);
    else if (op === 0x45) pc += 1 + ((a & k) !== 0 ? jt : jf);
    else if (op === 0x06) return k;
    else throw new Error(`opcode ${op} at ${pc}`);
  }
  throw new Error('ran off the end');
}

// What a receiver may need: no rule may name these (the upstream unpacker chroots and drops privileges).
const MUST_ALLOW = ['chroot', 'setuid', 'setgid', 'setgroups', 'setresuid', 'setresgid', 'mknod', 'mknodat', 'chmod', 'fchmodat', 'chown', 'fchownat', 'utimensat', 'openat', 'linkat', 'renameat2', 'symlinkat', 'prctl', 'prlimit64', 'seccomp', 'memfd_create', 'execve', 'execveat', 'wait4', 'kill', 'fork', 'vfork', 'read', 'write'];
const ABSENT_ON_ARM64 = ['iopl', 'ioperm'];

describe('the seccomp program', () => {
  it.each(ARCHES)('is a whole, valid program for $arch', ({ arch }) => {
    const program = seccompProgram(arch)!;
    expect(program.length % 8).toBe(0);
    const code = decode(program);
    expect(code.length).toBeLessThanOrEqual(MAX_INSTRUCTIONS);
    code.forEach((instruction, pc) => {
      expect(KNOWN_CODES.has(instruction.code)).toBe(true);
      if (JUMPS.has(instruction.code)) expect(pc + 1 + Math.max(instruction.jt, instruction.jf)).toBeLessThan(code.length);
      if (instruction.code === 0x20) expect([0, 4, 16]).toContain(instruction.k);
    });
    expect(code.at(-1)!.code).toBe(0x06); // every path ends in a return
  });

  it.each(ARCHES)('checks the ABI before anything else on $arch', ({ arch, auditArch }) => {
    const program = seccompProgram(arch)!;
    const [loadArch, compare, loadNr] = decode(program);
    expect(loadArch).toEqual({ code: 0x20, jt: 0, jf: 0, k: 4 });
    expect(compare).toMatchObject({ code: 0x15, jt: 0, k: auditArch });
    expect(decode(program)[2 + compare!.jf]).toEqual({ code: 0x06, jt: 0, jf: 0, k: KILL });
    expect(loadNr).toEqual({ code: 0x20, jt: 0, jf: 0, k: 0 });
    expect(verdict(program, { arch: 0x40000003 /* AUDIT_ARCH_I386 */, nr: 20 })).toBe(KILL);
    expect(verdict(program, { arch: 0x40000028 /* AUDIT_ARCH_ARM */, nr: 20 })).toBe(KILL);
  });

  it('kills any x32 call on x64, even one that is harmless', () => {
    expect(verdict(seccompProgram('x64')!, { arch: 0xc000003e, nr: 0x40000000 | 39 })).toBe(KILL);
  });

  it.each(['ia32', 'arm', 'riscv64', 'ppc64'])('is null for %s, which has no table here', (arch) => {
    expect(seccompProgram(arch)).toBeNull();
  });
});

describe('the rules', () => {
  it('have unique kebab-case ids, a reason, and name each call once', () => {
    const ids = SYSCALL_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of SYSCALL_RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.why.length).toBeGreaterThan(20);
    }
    const names = SYSCALL_RULES.flatMap((rule) => rule.syscalls);
    expect(new Set(names).size).toBe(names.length);
  });

  it('have a number for every call on x64, and on arm64 for all but the x86-only ones', () => {
    for (const name of SYSCALL_RULES.flatMap((rule) => rule.syscalls)) {
      expect(syscallNumber(name, 'x64'), name).not.toBeNull();
      expect(syscallNumber(name, 'arm64') === null, name).toBe(ABSENT_ON_ARM64.includes(name));
    }
    for (const { arch } of ARCHES) {
      const numbers = SYSCALL_RULES.flatMap((rule) => rule.syscalls).map((name) => syscallNumber(name, arch)).filter((nr) => nr !== null);
      expect(new Set(numbers).size, `a number shared on ${arch}`).toBe(numbers.length);
    }
  });

  it('leave alone everything a receiver may need', () => {
    const named = new Set(SYSCALL_RULES.flatMap((rule) => rule.syscalls));
    expect(MUST_ALLOW.filter((name) => named.has(name))).toEqual([]);
  });

  it.each(ARCHES)('compile to their own actions on $arch', ({ arch, auditArch }) => {
    const program = seccompProgram(arch)!;
    for (const rule of SYSCALL_RULES.filter((each) => each.when === undefined)) {
      for (const name of rule.syscalls) {
        const nr = syscallNumber(name, arch);
        if (nr !== null) expect(verdict(program, { arch: auditArch, nr }), name).toBe(RETURNS[rule.action]);
      }
    }
    expect(verdict(program, { arch: auditArch, nr: 0 })).toBe(ALLOW);
    expect(verdict(program, { arch: auditArch, nr: 1000 })).toBe(ALLOW);
  });

  it.each(ARCHES)('kill clone only with a namespace flag, and refuse personality only when it changes on $arch', ({ arch, auditArch }) => {
    const program = seccompProgram(arch)!;
    const clone = (flags: bigint): number => verdict(program, { arch: auditArch, nr: syscallNumber('clone', arch)!, args: [flags] });
    expect(clone(17n)).toBe(ALLOW); // fork: SIGCHLD
    expect(clone(0x4111n)).toBe(ALLOW); // vfork: CLONE_VM | CLONE_VFORK | SIGCHLD
    expect(clone(0x3d0f00n)).toBe(ALLOW); // glibc's pthread_create flags
    expect(clone(0x1_0000_0011n)).toBe(ALLOW); // the kernel reads only the low 32 bits of clone's flags
    for (const flag of [0x20000n, 0x2000000n, 0x4000000n, 0x8000000n, 0x10000000n, 0x20000000n, 0x40000000n, 0x80n]) expect(clone(flag | 17n)).toBe(KILL);
    const personality = (persona: bigint): number => verdict(program, { arch: auditArch, nr: syscallNumber('personality', arch)!, args: [persona] });
    expect(personality(0n)).toBe(ALLOW);
    expect(personality(0xffffffffn)).toBe(ALLOW);
    expect(personality(0x0040000n)).toBe(EPERM); // ADDR_NO_RANDOMIZE
    expect(personality(8n)).toBe(EPERM); // PER_LINUX32
  });

  it('are described, every call named', () => {
    const text = describeSeccomp().join('\n');
    for (const name of SYSCALL_RULES.flatMap((rule) => rule.syscalls)) expect(text).toMatch(new RegExp(`\\b${name}\\b`));
    expect(describeSeccomp()).toHaveLength(SYSCALL_RULES.length + 1);
  });
});

// The installed kernel headers (Debian's linux-libc-dev), when present, as an independent source of numbers.
const HEADERS = [
  { arch: 'x64', auditArch: 0xc000003e, path: '/usr/include/x86_64-linux-gnu/asm/unistd_64.h' },
  { arch: 'arm64', auditArch: 0xc00000b7, path: '/usr/include/asm-generic/unistd.h' },
] as const;

function headerNumbers(path: string): Map<string, number> {
  return new Map([...readFileSync(path, 'utf8').matchAll(/^#define __NR_(\w+)\s+(\d+)\s*$/gm)].map((match) => [match[1]!, Number(match[2])]));
}

describe.each(HEADERS)('the $arch numbers against $path', ({ arch, auditArch, path }) => {
  it.skipIf(!existsSync(path))('agree for every call the header knows (newer calls excepted)', () => {
    const header = headerNumbers(path);
    const names = SYSCALL_RULES.flatMap((rule) => rule.syscalls).filter((name) => header.has(name) || syscallNumber(name, arch) === null);
    for (const name of names) expect(syscallNumber(name, arch), name).toBe(header.get(name) ?? null);
    expect(names.length).toBeGreaterThan(45);
  });

  it.skipIf(!existsSync(path))('let every call a receiver may need through', () => {
    const header = headerNumbers(path);
    const program = seccompProgram(arch)!;
    const present = MUST_ALLOW.filter((name) => header.has(name));
    for (const name of present) expect(verdict(program, { arch: auditArch, nr: header.get(name)! }), name).toBe(ALLOW);
    expect(present.length).toBeGreaterThan(15);
  });
});

// One probe per call, each in its own forked child; the parent reports how each child ended.
const PROBE_SOURCE = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;

/* A call that makes a process returns 0 in the new one: end it there. */
static long reap(long pid) { if (pid == 0) _exit(0); if (pid > 0) waitpid((pid_t)pid, NULL, 0); return pid < 0 ? -1 : 0; }
static void *idle(void *arg) { return arg; }
static long set_errno(int e) { errno = e; return e == 0 ? 0 : -1; }

static long p_mount(void) { return mount("none", "/mnt", "tmpfs", 0, NULL); }
static long p_umount2(void) { return umount2("/proc", MNT_DETACH); }
static long p_ptrace(void) { return ptrace(PTRACE_TRACEME, 0, NULL, NULL); }
static long p_unshare(void) { return unshare(CLONE_NEWUSER); }
static long p_clone_newuser(void) { return reap(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)); }
static long p_open_by_handle_at(void) { return syscall(SYS_open_by_handle_at, AT_FDCWD, NULL, O_RDONLY); }
static long p_bpf(void) { return syscall(SYS_bpf, 0, NULL, 0); }
static long p_keyctl(void) { return syscall(SYS_keyctl, 0, -3, 0); }
static long p_clone3(void) { uint64_t args[8] = {0}; args[4] = SIGCHLD; return reap(syscall(SYS_clone3, args, sizeof args)); }
static long p_io_uring_setup(void) { unsigned char params[120] = {0}; return syscall(SYS_io_uring_setup, 1, params); }
static long p_name_to_handle_at(void) { struct { unsigned int bytes; int type; unsigned char handle[128]; } h = {128, 0, {0}}; int id; return syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &h, &id, 0); }
static long p_adjtimex_read(void) { struct timex tx = {0}; return adjtimex(&tx); }
static long p_personality_change(void) { return personality(ADDR_NO_RANDOMIZE); }
static long p_personality_query(void) { return personality(0xffffffff); }
static long p_personality_default(void) { return personality(PER_LINUX); }
static long p_chroot(void) { return chroot("/"); }
static long p_fork(void) { return reap(fork()); }
static long p_posix_spawn(void) { pid_t pid; int status; char *argv[] = {"/bin/true", NULL}; int e = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ); if (e != 0) return set_errno(e); waitpid(pid, &status, 0); return set_errno(status == 0 ? 0 : ECHILD); }
static long p_pthread_create(void) { pthread_t t; int e = pthread_create(&t, NULL, idle, NULL); return set_errno(e != 0 ? e : pthread_join(t, NULL)); }
static long p_mkfifo(void) { return mknod("/dev/qfc-probe-fifo", S_IFIFO | 0600, 0); }
static long p_setresuid(void) { uid_t u = getuid(); return setresuid(u, u, u); }
static long p_memfd_create(void) { return memfd_create("qfc", 0); }
static long p_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }
#ifdef __x86_64__
static long p_x32(void) { return syscall(0x40000000 | SYS_getpid); }
/* i386 getpid through the 32-bit entry: seccomp sees AUDIT_ARCH_I386 */
static long p_int80(void) { long r = 20; __asm__ volatile ("int $0x80" : "+a"(r) : : "memory"); return r > 0 ? 0 : set_errno(-r); }
#endif

#define PROBE(name) { #name, p_##name }
static const struct { const char *name; long (*call)(void); } PROBES[] = {
  PROBE(mount), PROBE(umount2), PROBE(ptrace), PROBE(unshare), PROBE(clone_newuser), PROBE(open_by_handle_at), PROBE(bpf), PROBE(keyctl),
  PROBE(clone3), PROBE(io_uring_setup), PROBE(name_to_handle_at), PROBE(adjtimex_read), PROBE(personality_change),
  PROBE(personality_query), PROBE(personality_default), PROBE(chroot), PROBE(fork), PROBE(posix_spawn), PROBE(pthread_create),
  PROBE(mkfifo), PROBE(setresuid), PROBE(memfd_create), PROBE(no_new_privs),
#ifdef __x86_64__
  PROBE(x32), PROBE(int80),
#endif
};

int main(int argc, char **argv) {
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none); /* killed children leave no core */
  for (size_t i = 0; i < sizeof PROBES / sizeof PROBES[0]; i++) {
    if (argc > 1 && strcmp(argv[1], PROBES[i].name) != 0) continue;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) { errno = 0; long r = PROBES[i].call(); _exit(r < 0 ? (errno != 0 ? errno : 255) : 0); }
    int status;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) printf("%s signal=%d\n", PROBES[i].name, WTERMSIG(status));
    else printf("%s errno=%d\n", PROBES[i].name, WEXITSTATUS(status));
  }
  return 0;
}
`;

const killed = `signal=${constants.signals.SIGSYS}`;
const refused = (errno: number): string => `errno=${errno}`;
const works = 'errno=0';
const X64 = process.arch === 'x64';
// Expected outcome of each probe under the filter, one row per call.
const EXPECTED: readonly (readonly [string, string])[] = [
  ['mount', killed], ['umount2', killed], ['ptrace', killed], ['unshare', killed],
  ['clone_newuser', killed], ['open_by_handle_at', killed], ['bpf', killed], ['keyctl', killed],
  ['clone3', refused(constants.errno.ENOSYS)], // so that libc falls back to clone
  ['io_uring_setup', refused(constants.errno.EPERM)],
  ['name_to_handle_at', refused(constants.errno.EPERM)],
  ['adjtimex_read', refused(constants.errno.EPERM)], // a read any user may make: EPERM here is the filter's
  ['personality_change', refused(constants.errno.EPERM)],
  ['personality_query', works], ['personality_default', works],
  ['chroot', refused(constants.errno.EPERM)], // capabilities dropped: the kernel's EPERM, not the filter's SIGSYS
  ['fork', works], ['posix_spawn', works], ['pthread_create', works], // glibc's clone3 users fall back to clone
  ['mkfifo', works], ['setresuid', works], ['memfd_create', works], ['no_new_privs', works],
  ...(X64 ? [['x32', killed] as const] : []),
];

// bwrap probed here rather than through run-contained, which this test does not otherwise need
const bwrapWorks = spawnSync('bwrap', ['--ro-bind', '/', '/', '--die-with-parent', '--', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
const available = bwrapWorks && seccompProgram() !== null && spawnSync('cc', ['--version']).status === 0;

describe.skipIf(!available)('a program under bwrap with the filter', () => {
  let dir = '';
  let probe = '';
  let outcomes = new Map<string, string>();

  /** Run `command` under bwrap (capabilities dropped, as a root run would drop most), with the filter on fd 9 unless told not to. */
  function sandboxed(command: readonly string[], filtered = true, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
    // a fresh descriptor per run: bwrap reads to the end, and the offset is shared with the next child
    const fd = filtered ? openSync(join(dir, 'filter.bpf'), 'r') : 'ignore';
    try {
      const bwrap = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--die-with-parent', '--cap-drop', 'ALL', ...(filtered ? ['--seccomp', '9'] : [])];
      return spawnSync('bwrap', [...bwrap, '--', ...command], { encoding: 'utf8', timeout: 60_000, env, stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'ignore', 'ignore', 'ignore', 'ignore', 'ignore', fd] });
    } finally {
      if (typeof fd === 'number') closeSync(fd);
    }
  }

  function lines(result: SpawnSyncReturns<string>): Map<string, string> {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return new Map(result.stdout.trim().split('\n').map((line) => line.split(' ') as [string, string]));
  }

  beforeAll(() => {
    dir = tempDir('qfc-seccomp-');
    writeFileSync(join(dir, 'filter.bpf'), seccompProgram()!);
    writeFileSync(join(dir, 'probe.c'), PROBE_SOURCE);
    probe = join(dir, 'probe');
    const built = spawnSync('cc', ['-O1', '-pthread', '-o', probe, join(dir, 'probe.c')], { encoding: 'utf8' });
    expect(built.stderr).toBe('');
    outcomes = lines(sandboxed([probe]));
  });

  it.each(EXPECTED)('%s: %s', (name, outcome) => expect(outcomes.get(name)).toBe(outcome));

  it('owes every kill to the filter: without it no probe is killed', () => {
    const unfiltered = lines(sandboxed([probe], false));
    for (const [name, outcome] of unfiltered) if (name !== 'int80') expect(outcome, name).toMatch(/^errno=/);
  });

  it.skipIf(!X64)('kills an i386 call made with int 0x80 (arch mismatch), where the kernel has that entry', ({ skip }) => {
    // without IA32 emulation int 0x80 is a general protection fault (SIGSEGV) before seccomp sees it
    const unfiltered = spawnSync(probe, ['int80'], { encoding: 'utf8' }).stdout.trim();
    if (unfiltered !== 'int80 errno=0') skip(`no i386 entry in this kernel (${unfiltered})`);
    expect(outcomes.get('int80')).toBe(killed);
  });

  it('leaves Node working: a child process, fs/promises, a worker thread, libuv without io_uring', () => {
    const script = `
      const { execFile } = require('node:child_process');
      const { readFile } = require('node:fs/promises');
      const { Worker } = require('node:worker_threads');
      (async () => {
        const seccomp = /^Seccomp:\\s*(\\d)/m.exec(await readFile('/proc/self/status', 'utf8'))[1];
        const child = await new Promise((ok, fail) => execFile('/bin/sh', ['-c', 'echo child'], (e, out) => e ? fail(e) : ok(out.trim())));
        const worker = await new Promise((ok, fail) => new Worker('require("node:worker_threads").parentPort.postMessage(6 * 7)', { eval: true }).once('message', ok).once('error', fail));
        console.log(JSON.stringify({ seccomp, child, worker }));
      })();`;
    // Node 20's libuv sets up io_uring only when asked to: asked here, so that the EPERM fallback runs
    const result = sandboxed([process.execPath, '-e', script], true, { ...process.env, UV_USE_IO_URING: '1' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ seccomp: '2', child: 'child', worker: 42 });
  });

  it('leaves the shell, coreutils and gcc working', () => {
    const result = sandboxed(['/bin/sh', '-c', `grep -c '^Seccomp:.2' /proc/self/status; ls / | wc -l; cc --version | head -n 1; echo 'int main(void) { return 0; }' | cc -x c -pipe -c -o /dev/null - && echo compiled`]);
    expect(result.stderr).toBe('');
    const [seccomp, entries, version, compiled] = result.stdout.trim().split('\n');
    expect(seccomp).toBe('1');
    expect(Number(entries)).toBeGreaterThan(5);
    expect(version).toMatch(/gcc|cc/i);
    expect(compiled).toBe('compiled');
  });
});
