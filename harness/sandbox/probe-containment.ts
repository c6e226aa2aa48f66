/**
 * What a contained program really gets, read from inside: one run of `cat /proc/self/status`
 * under the same containment as the implementation's programs. The report shows it (who the
 * programs ran as, their capabilities, no_new_privs, seccomp, the supervisor's mode), and
 * certify refuses to run when a program would hold a capability that reaches past its sandbox.
 */
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTree } from './sandbox-root.js';
import { ROOT_CAPABILITIES, runContained, type ContainedRun } from './run-contained.js';

/** Capability names by bit number (linux/capability.h). */
const CAPABILITY_NAMES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK',
  'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** The names of the bits set in a hexadecimal capability mask. */
export function capabilityNames(mask: string): string[] {
  const bits = BigInt(`0x${/^[0-9a-f]{1,16}$/i.test(mask) ? mask : '0'}`);
  const names: string[] = [];
  for (let bit = 0; bit < 64; bit += 1) if ((bits >> BigInt(bit)) & 1n) names.push(CAPABILITY_NAMES[bit] ?? `CAP_${bit}`);
  return names;
}

/** What the programs of a run are, as seen from inside. */
export interface ContainmentProbe {
  readonly uid: number | null;
  readonly gid: number | null;
  readonly capabilities: readonly string[];
  readonly boundingSet: readonly string[];
  readonly noNewPrivs: boolean;
  /** 0 none, 1 strict, 2 filter. */
  readonly seccomp: number | null;
  readonly supervisor: string | null;
  /** Capabilities a program holds that qfc never grants (the run must not go on). */
  readonly excess: readonly string[];
}

/** Read the fields of a /proc/PID/status text. */
export function readStatus(status: string, supervisor: string | null): ContainmentProbe {
  const field = (name: string): string | null => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(status)?.[1]?.trim() ?? null;
  const first = (value: string | null): number | null => (value === null ? null : Number(value.split(/\s+/)[0]));
  const capabilities = capabilityNames(field('CapEff') ?? '0');
  const granted: readonly string[] = ROOT_CAPABILITIES;
  return {
    uid: first(field('Uid')),
    gid: first(field('Gid')),
    capabilities,
    boundingSet: capabilityNames(field('CapBnd') ?? '0'),
    noNewPrivs: field('NoNewPrivs') === '1',
    seccomp: first(field('Seccomp')),
    supervisor,
    excess: capabilities.filter((name) => !granted.includes(name)),
  };
}

/** Run the probe under `containment` (confinement, user, visible paths, memory cap). */
export async function probeContainment(containment: Pick<ContainedRun, 'confinement' | 'visiblePaths' | 'memoryLimit' | 'uid' | 'gid'>): Promise<ContainmentProbe | { readonly error: string }> {
  const root = mkdtempSync(join(tmpdir(), 'qfc-probe-'));
  try {
    chmodSync(root, 0o755); // reachable for a program run as another user
    mkdirSync(join(root, 'target'), { mode: 0o777 });
    const run = await runContained({
      ...containment,
      argv: ['/bin/cat', '/proc/self/status'],
      cwd: join(root, 'target'),
      writableRoot: root,
      stdin: null,
      env: { PATH: '/usr/bin:/bin' },
      timeLimitMs: 10_000,
      stdoutCap: 1 << 16,
      stderrCap: 1 << 16,
      fileSizeCap: 1 << 20,
      readOnlyTmp: true,
    });
    if (run.spawnError !== null) return { error: run.spawnError };
    if (run.status !== 0) return { error: `the probe exited ${run.status ?? run.signal}: ${run.stderr.toString('utf8').trim().split('\n')[0] ?? ''}` };
    return readStatus(run.stdout.toString('utf8'), run.supervision?.mode ?? null);
  } finally {
    removeTree(root);
  }
}
