/**
 * The parent walk every entry type shares: split the validated name, walk its parent
 * directories without following links, and report a failure with the right clause.
 */
import type { ClauseId } from '../clauses.js';
import { nameComponents } from './name-components.js';
import { stop, type Outcome, type ReceiverState } from './receiver-state.js';
import { systemCallClause } from './system-call-clause.js';

/** Where the entry goes: its parent directory on the volume and its own last component. */
export interface EntryPlace {
  readonly parent: string;
  readonly last: Uint8Array;
}

/** Walk to the parent of `name`; `taken` is the clause of the entry type's exclusivity rule. */
export function walkToParent(state: ReceiverState, name: Uint8Array, taken: ClauseId): EntryPlace | Outcome {
  const { parents, last } = nameComponents(name);
  const walk = state.volume.walkParents(parents);
  if (!walk.ok) return stop(walk.errno, walk.component, 'name', systemCallClause(walk.errno, taken));
  return { parent: walk.parent, last };
}

/** True when the walk ended the transfer. */
export function isOutcome(value: EntryPlace | Outcome): value is Outcome {
  return 'errorCode' in value;
}
