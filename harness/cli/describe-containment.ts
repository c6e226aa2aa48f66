/**
 * The containment of a run, probed from inside the sandbox before any case runs: a line for the
 * report header and the facts for results.json. A program that would hold a capability qfc
 * never grants stops the run before it starts: that sandbox cannot be trusted.
 */
import type { Implementation } from '../adapters/implementation.js';
import { visiblePaths } from '../certify/run-settings.js';
import { probeContainment } from '../sandbox/probe-containment.js';
import type { Confinement } from '../sandbox/run-contained.js';
import { UsageError } from './arguments.js';

export interface ContainmentDescription {
  readonly line: string;
  readonly facts: Readonly<Record<string, unknown>>;
}

export async function describeContainment(implementation: Implementation, reference: Implementation, confinement: Confinement, owner: { uid: number; gid: number } | null): Promise<ContainmentDescription> {
  const visible = visiblePaths([implementation, reference]);
  const probe = await probeContainment({
    confinement,
    visiblePaths: visible,
    memoryLimit: implementation.memoryLimitMiB * 1024 * 1024,
    ...(owner === null ? {} : { uid: owner.uid, gid: owner.gid }),
  });
  if ('error' in probe) throw new UsageError(`cannot run a program in the sandbox: ${probe.error}`);
  if (confinement === 'bwrap' && probe.excess.length > 0) throw new UsageError(`the sandbox would leave programs the capabilities ${probe.excess.join(', ')}: refusing to run`);
  const limits = `time ${implementation.timeLimitMs} ms, memory ${implementation.memoryLimitMiB} MiB`;
  const who = `uid ${probe.uid} gid ${probe.gid}, capabilities ${probe.capabilities.length === 0 ? 'none' : probe.capabilities.join(' ')}`;
  const filters = `${probe.noNewPrivs ? 'no_new_privs' : 'privileges can be gained'}, ${probe.seccomp === 2 ? 'seccomp filter' : 'no seccomp filter'}, supervisor ${probe.supervisor ?? 'unknown'}`;
  const line = confinement === 'bwrap' ? `bubblewrap (${who}; ${filters}; ${limits})` : `none (UNCONFINED: ${who}; supervisor ${probe.supervisor ?? 'unknown'}; ${limits})`;
  return {
    line,
    facts: {
      confinement,
      uid: probe.uid,
      gid: probe.gid,
      capabilities: probe.capabilities,
      boundingSet: probe.boundingSet,
      noNewPrivs: probe.noNewPrivs,
      seccomp: probe.seccomp,
      supervisor: probe.supervisor,
      timeLimitMs: implementation.timeLimitMs,
      memoryLimitMiB: implementation.memoryLimitMiB,
      visible: confinement === 'bwrap' ? visible : 'the whole host',
    },
  };
}
