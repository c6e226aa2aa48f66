/**
 * Laws every tokenizer output obeys.
 */
import { expect } from 'vitest';
import type { StreamEvent } from '../../spec/tokenizer/events.js';

/** Events tile the stream: contiguous offsets, lengths adding up, one terminal event last. */
export function assertTiles(events: readonly StreamEvent[], streamLength: number): void {
  let offset = 0;
  for (const event of events) {
    expect(event.offset).toBe(offset);
    expect(event.length).toBeGreaterThanOrEqual(0);
    offset += event.length;
  }
  expect(offset).toBe(streamLength);
  const kinds = events.map((event) => event.kind);
  const terminal = kinds.findIndex((kind) => kind === 'end-marker' || kind === 'truncated' || kind === 'unframed');
  expect(terminal).toBeGreaterThanOrEqual(0);
  const after = kinds.slice(terminal + 1);
  if (kinds[terminal] === 'end-marker') expect(after.every((kind) => kind === 'trailing')).toBe(true);
  if (kinds[terminal] === 'truncated') expect(after).toEqual([]);
  if (kinds[terminal] === 'unframed') expect(after.every((kind) => kind === 'unframed')).toBe(true);
}

/** Merge adjacent chunked events (file content, trailing, unframed) so chunkings compare equal. */
export function mergeChunks(events: readonly StreamEvent[]): unknown[] {
  const merged: { kind: string; offset: number; length: number; bytes?: number[]; rest?: unknown }[] = [];
  for (const event of events) {
    const previous = merged[merged.length - 1];
    if ((event.kind === 'file-content' || event.kind === 'trailing' || event.kind === 'unframed') && previous?.kind === event.kind) {
      previous.length += event.length;
      previous.bytes!.push(...event.bytes);
      continue;
    }
    if (event.kind === 'file-content' || event.kind === 'trailing' || event.kind === 'unframed') {
      const { bytes, ...rest } = event;
      merged.push({ ...rest, bytes: [...bytes] });
    } else {
      merged.push({ ...event });
    }
  }
  return merged;
}
