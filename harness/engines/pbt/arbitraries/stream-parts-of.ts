/**
 * Any byte string read back as stream parts, so that `buildStream(streamPartsOf(bytes))`
 * is `bytes` again: every complete entry becomes an entry part with its exact header and
 * raw name, the end marker keeps its ignored fields, and whatever cannot be framed (a cut
 * entry, an entry of a type without framing, bytes after the end marker) stays raw. It is
 * the unmapper of the stream arbitraries: a stream from anywhere (the corpus, a report)
 * can be shrunk like a generated one.
 */
import { endMarker, rawBytes, type EntryPart, type StreamPart } from '../../../../spec/builder/stream-parts.js';
import { concatBytes } from '../../../../spec/byte-string.js';
import type { FileHeader } from '../../../../spec/codec/file-header.js';
import { S_IFMT } from '../../../../spec/constants.js';
import type { StreamEvent } from '../../../../spec/tokenizer/events.js';
import { tokenize } from '../../../../spec/tokenizer/tokenize.js';

/** An entry with its exact header and raw name field. */
function entryPart(header: FileHeader, name: Uint8Array, payload: Uint8Array): EntryPart {
  return { kind: 'entry', typeBits: header.mode & S_IFMT, name, payload, settings: { nul: false, header } };
}

/** The parts of `stream`. */
export function streamPartsOf(stream: Uint8Array): StreamPart[] {
  const events = tokenize(stream);
  const parts: StreamPart[] = [];
  let i = 0;
  // Everything from `offset` on is one raw part.
  const rest = (offset: number): StreamPart[] => (offset < stream.length ? [rawBytes(stream.slice(offset))] : []);
  while (i < events.length) {
    const event = events[i]!;
    if (event.kind === 'end-marker') {
      const { namelen: _ignored, ...fields } = event.header;
      return [...parts, endMarker(fields), ...rest(event.offset + event.length)];
    }
    if (event.kind !== 'header') return [...parts, ...rest(event.offset)];
    const name = events[i + 1];
    if (name?.kind !== 'name') return [...parts, ...rest(event.offset)];
    const payload: Uint8Array[] = [];
    let j = i + 2;
    let complete = true;
    for (; j < events.length; j++) {
      const next: StreamEvent = events[j]!;
      if (next.kind === 'file-content') payload.push(next.bytes);
      else if (next.kind === 'link-target') payload.push(next.raw);
      else {
        // The entry is whole when the next header starts after it (even if that header is cut).
        complete = next.kind === 'header' || next.kind === 'end-marker' || (next.kind === 'truncated' && next.field === 'header');
        break;
      }
    }
    const after = events[j];
    if (after?.kind === 'unframed' && payload.length === 0) {
      // A header and name whose payload cannot be framed (a special type, an over-long
      // target): the entry as far as its name, then the rest raw.
      return [...parts, entryPart(event.header, name.raw, new Uint8Array(0)), ...rest(after.offset)];
    }
    if (!complete || j === events.length) return [...parts, ...rest(event.offset)];
    parts.push(entryPart(event.header, name.raw, concatBytes(payload)));
    i = j;
  }
  return parts;
}
