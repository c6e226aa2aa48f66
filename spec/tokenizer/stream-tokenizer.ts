/**
 * Incremental tokenizer: push chunks as they arrive, get events with stream offsets.
 *
 * It frames entries the way every receiver must (PROTOCOL §1): header, `namelen` bytes
 * of name, then the payload its type defines. It holds at most one header, name or link
 * target in memory (each ≤ 16383 bytes); file content passes through as views of the
 * pushed chunks, so memory does not grow with `filelen`. It never throws on any bytes.
 * An event's bytes may view the chunk that completed it: use or copy them before that
 * chunk is reused. Partial fields carried over to the next push are copied.
 */
import { readFileHeader, type FileHeader } from '../codec/file-header.js';
import { FILE_HEADER_SIZE, MAX_NAME_LENGTH, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../constants.js';
import { cString, concatBytes, copyBytes } from '../byte-string.js';
import { SpecUsageError } from '../errors.js';
import type { StreamEvent, StreamField, UnframedReason } from './events.js';

type Phase =
  | { readonly kind: 'header' }
  | { readonly kind: 'name'; readonly header: FileHeader }
  | { readonly kind: 'link-target' }
  | { readonly kind: 'file-content'; remaining: bigint }
  | { readonly kind: 'trailing' }
  | { readonly kind: 'unframed'; readonly reason: UnframedReason }
  | { readonly kind: 'finished' };

/** Tokenizer over a stream delivered in chunks. */
export class StreamTokenizer {
  #phase: Phase = { kind: 'header' };
  /** Offset of the next byte to be pushed. */
  #offset = 0;
  /** Partial bytes of the header, name or link target being assembled. */
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  /** Total size of the field being assembled. */
  #need = FILE_HEADER_SIZE;

  /** Stream offset of the next byte to be pushed (the bytes seen so far). */
  get offset(): number {
    return this.#offset;
  }

  /** Tokenize the next chunk; returns the events it completes. */
  push(chunk: Uint8Array): StreamEvent[] {
    if (this.#phase.kind === 'finished') throw new SpecUsageError('push() after finish()');
    const events: StreamEvent[] = [];
    let at = 0;
    while (at < chunk.length) {
      const phase = this.#phase;
      const rest = chunk.length - at;
      if (phase.kind === 'trailing' || phase.kind === 'unframed') {
        const bytes = chunk.subarray(at);
        events.push(
          phase.kind === 'trailing'
            ? { kind: 'trailing', offset: this.#offset, length: rest, bytes }
            : { kind: 'unframed', reason: phase.reason, offset: this.#offset, length: rest, bytes },
        );
        this.#offset += rest;
        break;
      }
      if (phase.kind === 'file-content') {
        const take = phase.remaining < BigInt(rest) ? Number(phase.remaining) : rest;
        events.push({ kind: 'file-content', offset: this.#offset, length: take, bytes: chunk.subarray(at, at + take) });
        this.#offset += take;
        at += take;
        phase.remaining -= BigInt(take);
        if (phase.remaining === 0n) this.#phase = { kind: 'header' };
        continue;
      }
      // header, name or link-target: assemble a bounded field
      const take = Math.min(this.#need - this.#pendingLength, rest);
      const piece = chunk.subarray(at, at + take);
      this.#pendingLength += take;
      this.#offset += take;
      at += take;
      if (this.#pendingLength === this.#need) {
        this.#pending.push(piece);
        this.#complete(events);
      } else {
        this.#pending.push(copyBytes(piece)); // kept past this push: the caller may reuse the chunk
      }
    }
    return events;
  }

  /** The stream has ended: returns the terminal `truncated` event, if the stream stopped inside a field. */
  finish(): StreamEvent[] {
    const phase = this.#phase;
    this.#phase = { kind: 'finished' };
    if (phase.kind === 'file-content') {
      return [{ kind: 'truncated', field: 'file-content', offset: this.#offset, length: 0, missing: phase.remaining }];
    }
    const field: StreamField | null =
      phase.kind === 'header' ? 'header' : phase.kind === 'name' ? 'name' : phase.kind === 'link-target' ? 'link-target' : null;
    if (field === null) return [];
    const length = this.#pendingLength;
    return [{ kind: 'truncated', field, offset: this.#offset - length, length, missing: BigInt(this.#need - length) }];
  }

  #takeField(): { bytes: Uint8Array; offset: number } {
    const bytes = this.#pending.length === 1 ? this.#pending[0]! : concatBytes(this.#pending);
    const offset = this.#offset - this.#pendingLength;
    this.#pending = [];
    this.#pendingLength = 0;
    return { bytes, offset };
  }

  #expect(need: number): void {
    this.#need = need;
  }

  #complete(events: StreamEvent[]): void {
    const phase = this.#phase;
    const { bytes, offset } = this.#takeField();
    const length = bytes.length;
    if (phase.kind === 'header') {
      const header = readFileHeader(bytes);
      if (header.namelen === 0) {
        events.push({ kind: 'end-marker', offset, length, header, raw: bytes });
        this.#phase = { kind: 'trailing' };
        return;
      }
      events.push({ kind: 'header', offset, length, header, raw: bytes });
      if (header.namelen > MAX_NAME_LENGTH) {
        this.#unframe('name-too-long', events);
        return;
      }
      this.#phase = { kind: 'name', header };
      this.#expect(header.namelen);
      return;
    }
    if (phase.kind === 'name') {
      events.push({ kind: 'name', offset, length, raw: bytes, name: cString(bytes) });
      this.#afterName(phase.header, events);
      return;
    }
    // link-target
    events.push({ kind: 'link-target', offset, length, raw: bytes, target: cString(bytes) });
    this.#phase = { kind: 'header' };
    this.#expect(FILE_HEADER_SIZE);
  }

  #afterName(header: FileHeader, events: StreamEvent[]): void {
    const type = header.mode & S_IFMT;
    this.#expect(FILE_HEADER_SIZE);
    if (type === S_IFDIR) {
      this.#phase = { kind: 'header' };
    } else if (type === S_IFREG) {
      this.#phase = header.filelen === 0n ? { kind: 'header' } : { kind: 'file-content', remaining: header.filelen };
    } else if (type === S_IFLNK) {
      if (header.filelen > BigInt(MAX_NAME_LENGTH)) {
        this.#unframe('target-too-long', events);
      } else if (header.filelen === 0n) {
        events.push({ kind: 'link-target', offset: this.#offset, length: 0, raw: new Uint8Array(0), target: new Uint8Array(0) });
        this.#phase = { kind: 'header' };
      } else {
        this.#phase = { kind: 'link-target' };
        this.#expect(Number(header.filelen));
      }
    } else {
      this.#unframe('entry-type', events);
    }
  }

  /** From here on nothing is framed; a zero-length event marks the point even if no byte follows. */
  #unframe(reason: UnframedReason, events: StreamEvent[]): void {
    this.#phase = { kind: 'unframed', reason };
    events.push({ kind: 'unframed', reason, offset: this.#offset, length: 0, bytes: new Uint8Array(0) });
  }
}
