/**
 * The seccomp filter bwrap installs (`--seccomp FD`) just before it execs a program under test.
 *
 * bwrap's namespaces are the wall; this filter removes the kernel doors a hostile receiver
 * would use to climb it: mounts, new namespaces, other processes' memory, kernel code, file
 * handles (a root receiver keeps CAP_DAC_READ_SEARCH, which is all open_by_handle_at needs to
 * reach any inode on the host), keyrings and io_uring (whose operations seccomp never sees).
 * Everything else is allowed: receivers are free to chroot, drop privileges, make special
 * files and fail in any way the invariants can judge. A denylist, not an allowlist, because
 * implementations come in any language and runtime and the suite must not break them.
 *
 * Calls that only an escape would make kill the whole process (SIGSYS), which the verdict
 * shows; calls that ordinary software probes and copes without get an errno instead.
 */

/** What happens to a call a rule matches. */
export type SeccompAction = 'kill' | 'enosys' | 'eperm';

/** A test on the low 32 bits of one argument (both kernels read these calls' flags as 32 bits). */
export type ArgumentCondition =
  | { readonly kind: 'any-bit-set'; readonly arg: number; readonly mask: number }
  | { readonly kind: 'not-one-of'; readonly arg: number; readonly values: readonly number[] };

/** One rule of the filter: these calls, when `when` holds (always if absent), get `action`. */
export interface SyscallRule {
  readonly id: string;
  /** Names as in the kernel's syscall tables. */
  readonly syscalls: readonly string[];
  readonly action: SeccompAction;
  readonly when?: ArgumentCondition;
  readonly why: string;
}

// CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWTIME. NEWTIME (0x80)
// sits in legacy clone's exit-signal byte, where no valid signal (at most 64) sets it either.
const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x00000080;
// PER_LINUX, and the query that changes nothing.
const PERSONALITY_UNCHANGED = [0, 0xffffffff];

/** The rules, in the order the filter tests them. */
export const SYSCALL_RULES: readonly SyscallRule[] = [
  { id: 'mounts', syscalls: ['mount', 'umount2', 'pivot_root', 'move_mount', 'open_tree', 'open_tree_attr', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'mount_setattr'], action: 'kill', why: 'a receiver never changes mounts; doing so is an attempt to leave the sandbox' },
  { id: 'namespaces', syscalls: ['unshare', 'setns'], action: 'kill', why: 'a new or foreign namespace is a way around the one bwrap built' },
  { id: 'clone-namespaces', syscalls: ['clone'], action: 'kill', when: { kind: 'any-bit-set', arg: 0, mask: CLONE_NAMESPACE_FLAGS }, why: 'clone with a CLONE_NEW* flag is unshare by another name; plain fork, vfork and threads pass' },
  { id: 'clone3', syscalls: ['clone3'], action: 'enosys', why: 'its flags sit behind a pointer seccomp cannot read; on ENOSYS libc falls back to clone, whose flags the rule above checks' },
  { id: 'other-processes', syscalls: ['ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd'], action: 'kill', why: 'reading or steering another process (the harness-side helpers included) is never part of receiving files' },
  { id: 'kernel-code', syscalls: ['init_module', 'finit_module', 'delete_module', 'kexec_load', 'kexec_file_load'], action: 'kill', why: 'loading code into the kernel or replacing it ends every containment' },
  { id: 'kernel-attack-surface', syscalls: ['bpf', 'perf_event_open', 'userfaultfd'], action: 'kill', why: 'the usual footholds of kernel exploits (verifier bugs, perf races, faults held open to win races); no receiver needs them' },
  { id: 'keyrings', syscalls: ['keyctl', 'add_key', 'request_key'], action: 'kill', why: 'keyrings are not namespaced: a receiver could read or plant keys of the host user' },
  { id: 'open-file-handle', syscalls: ['open_by_handle_at'], action: 'kill', why: 'opens any inode of a mounted filesystem by handle, past every bind mount (the classic container escape)' },
  { id: 'make-file-handle', syscalls: ['name_to_handle_at'], action: 'eperm', why: 'the lookup half of that escape; harmless alone, and libraries that compare mounts with it fall back on EPERM' },
  { id: 'host-administration', syscalls: ['reboot', 'swapon', 'swapoff', 'acct', 'quotactl', 'quotactl_fd', 'syslog', 'vhangup', 'lookup_dcookie'], action: 'eperm', why: 'host administration a receiver has no business in; refused rather than killed since tools probe some of them' },
  { id: 'clocks', syscalls: ['settimeofday', 'clock_settime', 'clock_adjtime', 'adjtimex'], action: 'eperm', why: 'the clock is shared with the host; time-stamp invariants are judged against the harness clock' },
  { id: 'port-io', syscalls: ['iopl', 'ioperm'], action: 'eperm', why: 'direct hardware port access (x86 only)' },
  { id: 'personality', syscalls: ['personality'], action: 'eperm', when: { kind: 'not-one-of', arg: 0, values: PERSONALITY_UNCHANGED }, why: 'other personas switch off address randomisation or change syscall semantics; the default and the query pass' },
  { id: 'ipc-objects', syscalls: ['shmget', 'semget', 'msgget', 'mq_open'], action: 'eperm', why: 'SysV and POSIX message-queue objects outlive their process in the sandbox\'s IPC namespace, which a persistent sandbox lane keeps from run to run: one run could leave messages for the next; receivers never need them' },
  { id: 'io-uring', syscalls: ['io_uring_setup', 'io_uring_enter', 'io_uring_register'], action: 'eperm', why: 'io_uring performs opens and writes that seccomp never sees; libuv (Node) and others fall back to plain calls on EPERM' },
];

/**
 * System call numbers of the names the rules use: x64 from arch/x86/entry/syscalls/syscall_64.tbl,
 * arm64 from include/uapi/asm-generic/unistd.h; null where arm64 has no such call.
 */
const SYSCALL_NUMBERS: Readonly<Record<string, { readonly x64: number; readonly arm64: number | null }>> = {
  acct: { x64: 163, arm64: 89 },
  add_key: { x64: 248, arm64: 217 },
  adjtimex: { x64: 159, arm64: 171 },
  bpf: { x64: 321, arm64: 280 },
  clock_adjtime: { x64: 305, arm64: 266 },
  clock_settime: { x64: 227, arm64: 112 },
  clone: { x64: 56, arm64: 220 },
  clone3: { x64: 435, arm64: 435 },
  delete_module: { x64: 176, arm64: 106 },
  finit_module: { x64: 313, arm64: 273 },
  fsconfig: { x64: 431, arm64: 431 },
  fsmount: { x64: 432, arm64: 432 },
  fsopen: { x64: 430, arm64: 430 },
  fspick: { x64: 433, arm64: 433 },
  init_module: { x64: 175, arm64: 105 },
  io_uring_enter: { x64: 426, arm64: 426 },
  io_uring_register: { x64: 427, arm64: 427 },
  io_uring_setup: { x64: 425, arm64: 425 },
  ioperm: { x64: 173, arm64: null },
  iopl: { x64: 172, arm64: null },
  kcmp: { x64: 312, arm64: 272 },
  kexec_file_load: { x64: 320, arm64: 294 },
  kexec_load: { x64: 246, arm64: 104 },
  keyctl: { x64: 250, arm64: 219 },
  lookup_dcookie: { x64: 212, arm64: 18 },
  mount: { x64: 165, arm64: 40 },
  mount_setattr: { x64: 442, arm64: 442 },
  move_mount: { x64: 429, arm64: 429 },
  mq_open: { x64: 240, arm64: 180 },
  msgget: { x64: 68, arm64: 186 },
  name_to_handle_at: { x64: 303, arm64: 264 },
  open_by_handle_at: { x64: 304, arm64: 265 },
  open_tree: { x64: 428, arm64: 428 },
  open_tree_attr: { x64: 467, arm64: 467 }, // Linux 6.15
  perf_event_open: { x64: 298, arm64: 241 },
  personality: { x64: 135, arm64: 92 },
  pidfd_getfd: { x64: 438, arm64: 438 },
  pivot_root: { x64: 155, arm64: 41 },
  process_vm_readv: { x64: 310, arm64: 270 },
  process_vm_writev: { x64: 311, arm64: 271 },
  ptrace: { x64: 101, arm64: 117 },
  quotactl: { x64: 179, arm64: 60 },
  quotactl_fd: { x64: 443, arm64: 443 },
  reboot: { x64: 169, arm64: 142 },
  request_key: { x64: 249, arm64: 218 },
  semget: { x64: 64, arm64: 190 },
  setns: { x64: 308, arm64: 268 },
  settimeofday: { x64: 164, arm64: 170 },
  shmget: { x64: 29, arm64: 194 },
  swapoff: { x64: 168, arm64: 225 },
  swapon: { x64: 167, arm64: 224 },
  syslog: { x64: 103, arm64: 116 },
  umount2: { x64: 166, arm64: 39 },
  unshare: { x64: 272, arm64: 97 },
  userfaultfd: { x64: 323, arm64: 282 },
  vhangup: { x64: 153, arm64: 58 },
};

/** The number of `name` on `arch` (an arch seccompProgram supports), or null if it has none there. */
export function syscallNumber(name: string, arch: 'x64' | 'arm64'): number | null {
  const row = SYSCALL_NUMBERS[name];
  if (row === undefined) throw new Error(`seccomp: no syscall number recorded for ${name}`);
  return row[arch];
}

interface ArchFilter {
  /** AUDIT_ARCH_* that seccomp_data.arch holds for this ABI. */
  readonly auditArch: number;
  /** Syscall-number bits that select another ABI through the same entry (x32), killed outright. */
  readonly foreignAbiBits: number | null;
}

const ARCH_FILTERS: Readonly<Record<'x64' | 'arm64', ArchFilter>> = {
  x64: { auditArch: 0xc000003e, foreignAbiBits: 0x40000000 },
  arm64: { auditArch: 0xc00000b7, foreignAbiBits: null },
};

// struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6]. Both supported
// arches are little-endian, so an argument's low 32 bits come first.
const DATA_NR = 0;
const DATA_ARCH = 4;
const dataArgLow = (arg: number): number => 16 + 8 * arg;

const RET_KILL_PROCESS = 0x80000000;
const RET_ERRNO = 0x00050000;
const RET_ALLOW = 0x7fff0000;
const EPERM = 1;
const ENOSYS = 38;
const RETURN_VALUE: Readonly<Record<SeccompAction, number>> = { kill: RET_KILL_PROCESS, enosys: RET_ERRNO | ENOSYS, eperm: RET_ERRNO | EPERM };

// Classic BPF opcodes used: BPF_LD|BPF_W|BPF_ABS, BPF_JMP|{JEQ,JSET}|BPF_K, BPF_RET|BPF_K.
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JSET_K = 0x45;
const RET_K = 0x06;
/** The kernel's BPF_MAXINSNS. */
export const MAX_INSTRUCTIONS = 4096;

/** One instruction before assembly; jump targets are labels, null meaning the next instruction. */
type Step =
  | { readonly label: string }
  | { readonly code: number; readonly k: number; readonly jt?: string | null; readonly jf?: string | null };

const load = (offset: number): Step => ({ code: LD_W_ABS, k: offset });
const jump = (code: number, k: number, jt: string | null, jf: string | null): Step => ({ code, k, jt, jf });
const ret = (k: number): Step => ({ code: RET_K, k });

/** The steps of one rule's tail: its argument test, if any, then its return. */
function ruleTail(rule: SyscallRule): Step[] {
  const steps: Step[] = [{ label: `rule:${rule.id}` }];
  const when = rule.when;
  if (when?.kind === 'any-bit-set') steps.push(load(dataArgLow(when.arg)), jump(JSET_K, when.mask, null, 'allow'));
  if (when?.kind === 'not-one-of') steps.push(load(dataArgLow(when.arg)), ...when.values.map((value) => jump(JEQ_K, value, 'allow', null)));
  steps.push(ret(RETURN_VALUE[rule.action]));
  return steps;
}

/**
 * Resolve labels into 8-bit forward offsets. A linear chain keeps every offset far below 255;
 * should the rules ever outgrow that, assembly throws instead of emitting a wrong jump.
 */
function assemble(steps: readonly Step[]): Buffer {
  const at = new Map<string, number>();
  let count = 0;
  for (const step of steps) {
    if ('label' in step) at.set(step.label, count);
    else count += 1;
  }
  if (count > MAX_INSTRUCTIONS) throw new Error(`seccomp: ${count} instructions, the kernel takes ${MAX_INSTRUCTIONS}`);
  const program = Buffer.alloc(count * 8);
  let pc = 0;
  const offset = (target: string | null | undefined): number => {
    if (target === null || target === undefined) return 0;
    const to = at.get(target);
    if (to === undefined) throw new Error(`seccomp: no label ${target}`);
    const distance = to - (pc + 1);
    if (distance < 0 || distance > 255) throw new Error(`seccomp: jump to ${target} spans ${distance}`);
    return distance;
  };
  for (const step of steps) {
    if ('label' in step) continue;
    // sock_filter in host order: bwrap hands these bytes to the kernel of the machine it runs on
    program.writeUInt16LE(step.code, pc * 8);
    program.writeUInt8(offset(step.jt), pc * 8 + 2);
    program.writeUInt8(offset(step.jf), pc * 8 + 3);
    program.writeUInt32LE(step.k >>> 0, pc * 8 + 4);
    pc += 1;
  }
  return program;
}

/**
 * The compiled filter for `arch` (a `process.arch` name), or null where the suite has no
 * syscall table (the caller then runs programs without one and says so).
 */
export function seccompProgram(arch: string = process.arch): Buffer | null {
  if (arch !== 'x64' && arch !== 'arm64') return null;
  const filter = ARCH_FILTERS[arch];
  const steps: Step[] = [
    // A call through another ABI (i386 int 0x80, AArch32) has other numbers: none may pass.
    load(DATA_ARCH),
    jump(JEQ_K, filter.auditArch, null, 'kill'),
    load(DATA_NR),
  ];
  if (filter.foreignAbiBits !== null) steps.push(jump(JSET_K, filter.foreignAbiBits, 'kill', null));
  for (const rule of SYSCALL_RULES) {
    for (const name of rule.syscalls) {
      const nr = syscallNumber(name, arch);
      if (nr !== null) steps.push(jump(JEQ_K, nr, `rule:${rule.id}`, null));
    }
  }
  steps.push(ret(RET_ALLOW));
  for (const rule of SYSCALL_RULES) steps.push(...ruleTail(rule));
  steps.push({ label: 'allow' }, ret(RET_ALLOW), { label: 'kill' }, ret(RET_KILL_PROCESS));
  return assemble(steps);
}

const ACTION_TEXT: Readonly<Record<SeccompAction, string>> = { kill: 'killed (SIGSYS)', enosys: 'refused with ENOSYS', eperm: 'refused with EPERM' };

function conditionText(when: ArgumentCondition | undefined): string {
  if (when === undefined) return '';
  const hex = (value: number): string => `0x${value.toString(16)}`;
  if (when.kind === 'any-bit-set') return ` when argument ${when.arg + 1} has any bit of ${hex(when.mask)}`;
  return ` unless argument ${when.arg + 1} is ${when.values.map(hex).join(' or ')}`;
}

/** One line per rule (and one for foreign ABIs): what the filter kills or refuses, and why. */
export function describeSeccomp(): string[] {
  return [
    'killed (SIGSYS): any call through another ABI (i386 int 0x80, x32, AArch32)',
    ...SYSCALL_RULES.map((rule) => `${ACTION_TEXT[rule.action]}${conditionText(rule.when)}: ${rule.syscalls.join(', ')} (${rule.why})`),
  ];
}
