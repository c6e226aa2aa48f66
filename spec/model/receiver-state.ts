/**
 * What the modelled receiver carries from entry to entry: the stream and how far it has
 * been consumed, the running CRC, the totals checked against the limits, the last name
 * read, and the quirks shown so far.
 */
import type { ClauseId } from '../clauses.js';
import { Crc32Accumulator } from '../crc.js';
import type { StreamEvent } from '../tokenizer/events.js';
import { receiverValidatorFlags, type ResolvedOptions } from './options.js';
import type { QuirkId } from './positions.js';
import type { Prediction, StopPhase } from './prediction.js';
import { ReceiverVolume } from './volume.js';

/** How the receiver stopped. */
export interface Outcome {
  /** Result code as the u32 on the wire. */
  readonly errorCode: number;
  readonly lastName: Uint8Array | null;
  readonly phase: StopPhase;
  readonly clause: ClauseId;
  /** False when the receiver dies without a result (upstream quirk 2). */
  readonly sent?: boolean;
}

/** Shorthand for an outcome. */
export function stop(errorCode: number, lastName: Uint8Array | null, phase: StopPhase, clause: ClauseId): Outcome {
  return { errorCode, lastName, phase, clause };
}

/** The receiver's state while it works through one stream. */
export class ReceiverState {
  readonly options: ResolvedOptions;
  readonly validatorFlags: number;
  readonly volume: ReceiverVolume;
  readonly crc = new Crc32Accumulator();
  readonly quirks = new Set<QuirkId>();
  /** Clauses that decided something or had an effect so far (see {@link Prediction.exercised}). */
  readonly exercised = new Set<ClauseId>();
  /** Bytes counted against the byte limit so far. */
  totalBytes = 0n;
  /** Entry headers seen so far. */
  totalFiles = 0n;
  /** The name most recently read; reported with the result (empty before the first entry). */
  lastName: Uint8Array = new Uint8Array(0);

  readonly #stream: Uint8Array;
  readonly #events: readonly StreamEvent[];
  #next = 0;
  #consumed = 0;

  constructor(stream: Uint8Array, events: readonly StreamEvent[], options: ResolvedOptions) {
    this.#stream = stream;
    this.#events = events;
    this.options = options;
    this.validatorFlags = receiverValidatorFlags(options);
    this.volume = new ReceiverVolume(options.privileged);
  }

  get upstream(): boolean {
    return this.options.mode === 'upstream';
  }

  /** Bytes consumed successfully (the CRC's extent). */
  get consumed(): number {
    return this.#consumed;
  }

  /** The next stream event. The tokenizer always ends a stream with a terminal event, and the receiver stops at it. */
  nextEvent(): StreamEvent {
    return this.#events[this.#next++]!;
  }

  /** Record that `clauses` were put to work. */
  exercise(...clauses: readonly ClauseId[]): void {
    for (const clause of clauses) this.exercised.add(clause);
  }

  /** Count the bytes of `event` as consumed: they enter the CRC. */
  consume(event: StreamEvent): void {
    this.crc.update(this.#stream.subarray(event.offset, event.offset + event.length));
    this.#consumed = event.offset + event.length;
  }
}
