/**
 * One case's sandbox, from creation to removal: whatever the program left in it (trees deeper
 * than PATH_MAX, immutable files, mode-000 directories), removing it never throws; what could
 * not be removed becomes a note on the case, never a replacement of its verdict.
 */
import type { SandboxLane } from '../sandbox/sandbox-lane.js';
import { createSandbox, removeSandbox, type SandboxPaths } from '../sandbox/sandbox-root.js';
import type { CaseResult } from '../verdicts/case-result.js';
import { inPhase } from './case-phases.js';
import type { RunSettings } from './run-settings.js';

/**
 * Run `body` in a fresh sandbox labelled `label`, then remove it (unless kept). With `lane`,
 * for a body that runs one receiver program at a time, the sandbox is a lane's (settings.lanes)
 * and the body passes the lane on to the program's run.
 */
export async function inSandbox<T extends { readonly result: CaseResult }>(settings: RunSettings, label: string, body: (sandbox: SandboxPaths, lane?: SandboxLane) => Promise<T>, lane = false): Promise<T> {
  if (lane && settings.lanes != null) {
    const { value, cleanup } = await settings.lanes.use((used) => body(used.sandbox, used), (work) => inPhase('sandbox', work));
    return cleanup === null ? value : { ...value, result: { ...value.result, notes: [...value.result.notes, `cleanup: ${cleanup}`] } };
  }
  const sandbox = inPhase('sandbox', () => createSandbox(settings.base, label, settings.owner ?? undefined));
  let value: T;
  try {
    value = await body(sandbox);
  } catch (error) {
    const problem = settings.keepSandboxes ? null : removeSandbox(sandbox);
    if (problem !== null) (error as Error).message += ` (and the sandbox was not removed: ${problem})`;
    throw error;
  }
  const problem = settings.keepSandboxes ? null : inPhase('sandbox', () => (settings.trash?.discard(sandbox.root) === true ? null : removeSandbox(sandbox)));
  if (problem === null) return value;
  return { ...value, result: { ...value.result, notes: [...value.result.notes, `cleanup: ${problem}`] } };
}
