/**
 * qubes.OpenInVM cases (PROTOCOL §8): edit, no edit, view only, a failing opener, an
 * empty reply, an opener that leaves a link, and hostile filename fields sent straight to
 * the server.
 */
import type { ClauseId } from '../../spec/clauses.js';
import type { EditorCase } from './catalogue-case.js';

const field = (text: string | number[]): Uint8Array => {
  const out = new Uint8Array(256);
  out.set(typeof text === 'string' ? Buffer.from(text) : text);
  return out;
};

const editor = (id: string, title: string, clauses: readonly ClauseId[], spec: Partial<EditorCase>): EditorCase => ({
  kind: 'editor',
  category: 'open-in-vm',
  id,
  title,
  clauses,
  opener: 'edit',
  viewOnly: false,
  fileName: 'report.txt',
  ...spec,
});

// Upstream's vm-file-editor makes its private directory before it reads the field, and only
// arranges its removal once the file exists: a refused field leaves the empty directory. In a
// disposable VM, destroyed after the call, that is untidy, not unsafe.
const LEAVES_DIRECTORY = {
  does: 'leaves-empty-private-directory',
  why: "upstream's vm-file-editor leaves its empty private directory when it refuses the field; the disposable VM is destroyed after the call",
} as const;

export const EDITOR_CASES: readonly EditorCase[] = [
  editor('edited-file-copied-back', 'the opener edits the file: the new content replaces the original', ['open.field-layout', 'open.content', 'open.send-back', 'open.client-atomic', 'open.cleanup', 'open.exclusive-file', 'open.private-directory'], {}),
  editor('unchanged-file', 'the opener changes nothing: the original is untouched', ['open.send-back', 'open.cleanup'], { opener: 'none' }),
  editor('empty-reply', 'the opener empties the file: an empty reply never truncates the original', ['open.client-empty-reply'], { opener: 'truncate' }),
  editor('failed-opener', 'the opener fails: the original is untouched and the server cleans up', ['open.cleanup'], { opener: 'fail' }),
  editor('view-only', 'view only: the file is stored read-only and the reply is discarded', ['open.client-view-only', 'open.exclusive-file', 'open.field-layout'], { viewOnly: true }),
  editor('link-left-by-opener', 'the opener replaces the file with a link to an outside file: nothing is read through it', ['open.server-confined', 'open.cleanup'], {
    opener: 'link',
    // The opener runs in the disposable VM with the same rights as the server: it could send
    // back any bytes of that VM itself, so following its link discloses nothing it could not.
    upstream: { does: 'sends-back-through-link', why: "upstream's vm-file-editor sends back what a link left by the opener points to; the opener controls the disposable VM and could send those bytes anyway" },
  }),
  editor('unwritable-directory', 'the client cannot write beside its file: the reply is kept as file_edited_in_dvm.XXXXXX and the user told (needs --uid)', ['open.client-unwritable'], { unwritableDirectory: true }),
  editor('odd-client-name', 'a client file name with spaces and shell characters is sanitized', ['open.server-name'], { fileName: 'my report (final) $1.txt' }),
  editor('long-client-name', 'a 250-byte name behind the view-only prefix is cut from the left, keeping the extension', ['open.left-truncation', 'open.field-layout'], { fileName: `${'x'.repeat(246)}.odt`, viewOnly: true }),
  editor('field-with-slash', 'a filename field containing / is refused', ['open.server-name', 'open.server-confined'], { rawField: field('../../outside/planted'), upstream: LEAVES_DIRECTORY }),
  editor('field-dotdot', 'the filename .. is refused', ['open.server-degenerate-name'], { rawField: field('..'), upstream: LEAVES_DIRECTORY }),
  editor('field-all-nul', 'an all-NUL filename field is refused', ['open.server-degenerate-name'], { rawField: new Uint8Array(256), upstream: LEAVES_DIRECTORY }),
  editor('field-without-nul', '256 bytes without NUL: the last byte is forced to NUL', ['open.field-layout'], { rawField: new Uint8Array(256).fill(0x61) }),
  editor('field-control-characters', 'control characters in the field are replaced', ['open.server-name'], { rawField: field([0x61, 0x01, 0x1b, 0x0a, 0x62]) }),
  editor('field-cut-short', 'a filename field of 100 bytes is refused', ['open.server-confined'], { rawField: new Uint8Array(100).fill(0x41), upstream: LEAVES_DIRECTORY }),
];
