/**
 * A catalogue case: one behaviour, a stable kebab-case id, the clauses it checks, a
 * one-line title, the input, and (for key cases) an explicitly pinned expectation so that a
 * bug in the model cannot make a wrong verdict pass silently.
 */
import { buildStream } from '../../spec/builder/build-stream.js';
import type { StreamPart } from '../../spec/builder/stream-parts.js';
import type { ClauseId } from '../../spec/clauses.js';
import type { Profile } from '../adapters/implementation.js';
import type { SandboxPaths } from '../sandbox/sandbox-root.js';

/** Fields every case has. */
interface CaseBase {
  readonly id: string;
  readonly category: string;
  readonly title: string;
  readonly clauses: readonly ClauseId[];
}

/** A stream fed to the implementation's receiver; the expectation comes from predict(). */
export interface ReceiverCase extends CaseBase {
  readonly kind: 'receiver';
  readonly profile: Profile;
  readonly limits: { readonly bytes?: bigint; readonly files?: bigint };
  /** The stream; a function when it names the sandbox by absolute path (escape probes). */
  readonly stream: (sandbox: SandboxPaths) => Uint8Array;
  /** Result code (and last name) the spec must predict: checked by the catalogue's own tests. */
  readonly pinned?: { readonly errorCode: number; readonly lastName?: string | null };
  /** Where the case came from, for stored corpus streams. */
  readonly provenance?: string;
}

/** What a scripted receiver answers a sender (harness/adapters/scripted-receiver). */
export type ScriptedAnswer =
  | 'garbage'
  | 'short-result'
  | 'lying-extension'
  | 'wrong-crc'
  | 'crc-high-bits'
  | 'silence'
  | 'success-before-end'
  | { readonly errorCode: number; readonly lastNameHex: string; readonly afterBytes: number };

/** A source tree given to the implementation's sender. */
export interface SenderCase extends CaseBase {
  readonly kind: 'sender';
  /** Build the source tree inside `dir` (the sender's working directory). */
  readonly build: (dir: string) => void | Promise<void>;
  /** The sender's PATH arguments. */
  readonly paths: readonly string[];
  readonly ignoreSymlinks: boolean;
  /** Who answers: a receiver program (the implementation's, else the reference) or a script. */
  readonly answer: 'receiver' | ScriptedAnswer;
  /** The sender's exit status the spec demands. */
  readonly exitStatus: 0 | 1;
  /**
   * What upstream's sender does instead, a documented and harmless difference: that exit
   * status, and nothing else wrong, is `info` with `why`.
   */
  readonly upstream?: { readonly exitStatus: 0 | 1; readonly why: string };
  /** Bytes of a remote name that must not reach the sender's stderr raw (sanitization). */
  readonly unsafeRemoteName?: Uint8Array;
}

/** A qubes.OpenInVM run. */
export interface EditorCase extends CaseBase {
  readonly kind: 'editor';
  /** What the opener does to the file: edit it, leave it, fail, empty it, or replace it with a link. */
  readonly opener: 'edit' | 'none' | 'fail' | 'truncate' | 'link';
  readonly viewOnly: boolean;
  /** Raw bytes sent to the server instead of running the client (hostile filename fields). */
  readonly rawField?: Uint8Array;
  /** Name of the client's file. */
  readonly fileName: string;
  /** The client's directory is read-only: the reply must go to the client's temporary directory. */
  readonly unwritableDirectory?: boolean;
  /**
   * What upstream's vm-file-editor does instead, documented as harmless in a disposable VM:
   * violations that exactly this explains make the case `info` with `why`.
   */
  readonly upstream?: { readonly does: 'leaves-empty-private-directory' | 'sends-back-through-link'; readonly why: string };
}

/** Any case. */
export type CatalogueCase = ReceiverCase | SenderCase | EditorCase;

/** What a receiver case is written with. */
export interface ReceiverCaseSpec {
  readonly id: string;
  readonly title: string;
  readonly clauses: readonly ClauseId[];
  readonly stream: readonly StreamPart[] | Uint8Array | ((sandbox: SandboxPaths) => readonly StreamPart[] | Uint8Array);
  readonly profile?: Profile;
  readonly limits?: { readonly bytes?: bigint; readonly files?: bigint };
  readonly pinned?: ReceiverCase['pinned'];
}

/** A receiver case of `category`. */
export function receiverCase(category: string, spec: ReceiverCaseSpec): ReceiverCase {
  const source = spec.stream;
  const bytes = (value: readonly StreamPart[] | Uint8Array): Uint8Array => (value instanceof Uint8Array ? value : buildStream(value));
  return {
    kind: 'receiver',
    id: spec.id,
    category,
    title: spec.title,
    clauses: spec.clauses,
    profile: spec.profile ?? 'default',
    limits: spec.limits ?? {},
    stream: typeof source === 'function' ? (sandbox) => bytes(source(sandbox)) : () => bytes(source),
    ...(spec.pinned === undefined ? {} : { pinned: spec.pinned }),
  };
}
