/**
 * A stream as annotated hex: one block per tokenizer event (header fields decoded, names
 * and targets shown as text), each with its offset, so a reader can see exactly which
 * bytes a receiver was judged on.
 */
import { fromHex } from '../../spec/byte-string.js';
import { encodePathKey } from '../../spec/path-key.js';
import type { StreamEvent } from '../../spec/tokenizer/events.js';
import { tokenize } from '../../spec/tokenizer/tokenize.js';

/** One annotated block. */
export interface DumpBlock {
  readonly offset: number;
  readonly length: number;
  readonly label: string;
  /** Hex lines of up to 16 bytes, `offset: hex`. */
  readonly lines: readonly string[];
}

const SHOWN = 64; // bytes shown of a long payload

function hexLines(bytes: Uint8Array, offset: number, limit: number): string[] {
  const lines: string[] = [];
  const shown = bytes.subarray(0, limit);
  for (let at = 0; at < shown.length; at += 16) {
    const row = [...shown.subarray(at, at + 16)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
    lines.push(`${(offset + at).toString(16).padStart(8, '0')}: ${row}`);
  }
  if (bytes.length > limit) lines.push(`… ${bytes.length - limit} more bytes`);
  return lines;
}

function label(event: StreamEvent): string {
  switch (event.kind) {
    case 'header': {
      const h = event.header;
      return `header: namelen ${h.namelen}, mode 0o${h.mode.toString(8)}, filelen ${h.filelen}, atime ${h.atime}.${h.atimeNsec}, mtime ${h.mtime}.${h.mtimeNsec}`;
    }
    case 'end-marker':
      return 'end marker';
    case 'name':
      return `name ${JSON.stringify(encodePathKey(event.name))}${event.name.length + 1 < event.raw.length ? ' (bytes after its NUL are ignored)' : ''}`;
    case 'file-content':
      return `file content, ${event.length} bytes`;
    case 'link-target':
      return `link target ${JSON.stringify(encodePathKey(event.target))}`;
    case 'truncated':
      return `the stream ends inside the ${event.field} (${event.missing} bytes missing)`;
    case 'trailing':
      return 'bytes after the end marker';
    case 'unframed':
      return `unframed bytes (${event.reason})`;
  }
}

/** Annotated blocks for a stream given as hex (as stored in results.json). */
export function annotatedHexDump(streamHex: string): DumpBlock[] {
  const stream = fromHex(streamHex) ?? new Uint8Array(0);
  const blocks: DumpBlock[] = [];
  for (const event of tokenize(stream)) {
    const bytes = stream.subarray(event.offset, event.offset + event.length);
    const previous = blocks[blocks.length - 1];
    // Consecutive content chunks are one payload.
    if (event.kind === 'file-content' && previous?.label.startsWith('file content')) {
      blocks[blocks.length - 1] = { ...previous, length: previous.length + event.length, label: `file content, ${previous.length + event.length} bytes`, lines: hexLines(stream.subarray(previous.offset, event.offset + event.length), previous.offset, SHOWN) };
      continue;
    }
    blocks.push({ offset: event.offset, length: event.length, label: label(event), lines: hexLines(bytes, event.offset, event.kind === 'header' || event.kind === 'end-marker' ? 32 : SHOWN) });
  }
  return blocks;
}
