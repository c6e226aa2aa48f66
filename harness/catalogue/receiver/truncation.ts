/**
 * Streams cut short (PROTOCOL §2): at every field boundary and inside every field of a
 * stream holding a directory, a file, a link and the end marker. A cut where a header is
 * expected ends with EREMOTEIO; a cut inside an entry with LEGAL_EOF (no last name inside
 * a name). Partial content still counts in the CRC; a partial header, name or target not.
 */
import { buildStream } from '../../../spec/builder/build-stream.js';
import { dir, endMarker, file, link } from '../../../spec/builder/stream-parts.js';
import type { ClauseId } from '../../../spec/clauses.js';
import { Errno, LEGAL_EOF } from '../../../spec/constants.js';
import { tokenize } from '../../../spec/tokenizer/tokenize.js';
import { receiverCase, type ReceiverCase } from '../catalogue-case.js';

const STREAM = buildStream([dir('d'), file('d/f', 'hello'), link('d/l', 'ff'), dir('d'), endMarker()]);

/** The fields of STREAM in order, named for ids. */
const FIELDS = ['directory-header', 'directory-name', 'file-header', 'file-name', 'file-content', 'link-header', 'link-name', 'link-target', 'closing-header', 'closing-name', 'end-marker'] as const;

function clausesAt(field: (typeof FIELDS)[number], inside: boolean): ClauseId[] {
  const common: ClauseId[] = ['crc.consumed-bytes', 'inv.end-marker-required'];
  if (!inside || field.endsWith('header') || field === 'end-marker') return [...common, 'recv.missing-end-marker'];
  if (field.endsWith('name')) return [...common, 'recv.truncated-name'];
  if (field === 'file-content') return [...common, 'file.truncated-content', 'quirk.no-leftover'];
  return [...common, 'link.truncated-target'];
}

function cuts(): ReceiverCase[] {
  const events = tokenize(STREAM).filter((event) => event.length > 0);
  if (events.length !== FIELDS.length) throw new Error('truncation catalogue: the reference stream changed shape');
  return events.flatMap((event, index) => {
    const field = FIELDS[index]!;
    const cases: ReceiverCase[] = [];
    if (event.length >= 2) {
      const at = event.offset + Math.floor(event.length / 2);
      const errorCode = field.endsWith('header') || field === 'end-marker' ? Errno.EREMOTEIO : LEGAL_EOF;
      cases.push(
        receiverCase('truncation', {
          id: `cut-inside-${field}`,
          title: `the stream ends in the middle of the ${field.replace('-', ' ')} (byte ${at})`,
          clauses: clausesAt(field, true),
          stream: STREAM.slice(0, at),
          pinned: { errorCode, ...(field.endsWith('name') ? { lastName: null } : {}) },
        }),
      );
    }
    if (field !== 'end-marker') {
      const at = event.offset + event.length;
      cases.push(
        receiverCase('truncation', {
          id: `cut-after-${field}`,
          title: `the stream ends right after the ${field.replace('-', ' ')} (byte ${at})`,
          clauses: clausesAt(field, false),
          stream: STREAM.slice(0, at),
        }),
      );
    }
    return cases;
  });
}

export const TRUNCATION_CASES: readonly ReceiverCase[] = cuts();
