/**
 * Events of the qfilecopy tokenizer: the syntax of a stream, with byte offsets.
 *
 * The events of one stream tile it exactly: sorted by emission, each starts where the
 * previous one ended and their lengths add up to the stream length. Every stream ends
 * with exactly one terminal event: `end-marker` (maybe followed by `trailing` chunks),
 * `truncated`, or a run of `unframed` chunks.
 */
import type { FileHeader } from '../codec/file-header.js';

/** Fields the stream can end inside of. */
export type StreamField = 'header' | 'name' | 'file-content' | 'link-target';

/** Why the tokenizer cannot frame the rest of a stream: no receiver reads past these. */
export type UnframedReason =
  /** `namelen` above 16383: the receiver stops before reading the name. */
  | 'name-too-long'
  /** a symlink `filelen` above 16383: the receiver stops before reading the target. */
  | 'target-too-long'
  /** a type other than regular file, directory or symlink: its payload has no defined framing. */
  | 'entry-type';

interface Span {
  /** Offset of the first byte in the stream. */
  readonly offset: number;
  /**
   * Number of stream bytes the event covers. Zero for an empty link target, for a
   * `truncated` file content, and for the `unframed` event that marks where framing stops.
   */
  readonly length: number;
}

/** A complete 32-byte header with `namelen` > 0. */
export interface HeaderEvent extends Span {
  readonly kind: 'header';
  readonly header: FileHeader;
  /** The 32 header bytes. */
  readonly raw: Uint8Array;
}

/** The end marker: a complete header with `namelen` 0 (its other fields are ignored). */
export interface EndMarkerEvent extends Span {
  readonly kind: 'end-marker';
  readonly header: FileHeader;
  /** The 32 header bytes. */
  readonly raw: Uint8Array;
}

/** The `namelen` name bytes of an entry. */
export interface NameEvent extends Span {
  readonly kind: 'name';
  /** All `namelen` bytes as sent. */
  readonly raw: Uint8Array;
  /** The name the receiver uses: the bytes before the first NUL. */
  readonly name: Uint8Array;
}

/** A chunk of a regular file's content (a file's content may arrive in many chunks). */
export interface FileContentEvent extends Span {
  readonly kind: 'file-content';
  readonly bytes: Uint8Array;
}

/** A symlink's whole target (at most 16383 bytes, always delivered in one event). */
export interface LinkTargetEvent extends Span {
  readonly kind: 'link-target';
  readonly raw: Uint8Array;
  /** The target the receiver uses: the bytes before the first NUL. */
  readonly target: Uint8Array;
}

/** The stream ended inside `field`; `length` counts the partial bytes not yet covered. */
export interface TruncatedEvent extends Span {
  readonly kind: 'truncated';
  readonly field: StreamField;
  /** Bytes of the field that never arrived. */
  readonly missing: bigint;
}

/** Bytes after the end marker. */
export interface TrailingEvent extends Span {
  readonly kind: 'trailing';
  readonly bytes: Uint8Array;
}

/** Bytes that cannot be framed (see {@link UnframedReason}). */
export interface UnframedEvent extends Span {
  readonly kind: 'unframed';
  readonly reason: UnframedReason;
  readonly bytes: Uint8Array;
}

/** Every event the tokenizer emits. */
export type StreamEvent =
  | HeaderEvent
  | EndMarkerEvent
  | NameEvent
  | FileContentEvent
  | LinkTargetEvent
  | TruncatedEvent
  | TrailingEvent
  | UnframedEvent;
