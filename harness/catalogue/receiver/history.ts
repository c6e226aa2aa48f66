/**
 * One case per behaviour-changing fix in the public history of upstream's receiver and
 * validator (QubesOS/qubes-linux-utils, qrexec-lib/unpack.c and validator.c), each naming its
 * commit in its id and title, with a stream the version before the fix and the version after
 * it answer differently. Today's upstream and the spec agree with the version after each fix,
 * so a receiver built from an older tree fails (or is non-strict on) exactly the cases of the
 * fixes it lacks. Their expectations come from the spec's and upstream's models.
 */
import { dir, endMarker, file, link } from '../../../spec/builder/stream-parts.js';
import { UTIME_NOW } from '../../../spec/constants.js';
import type { ClauseId } from '../../../spec/clauses.js';
import { receiverCase, type ReceiverCase } from '../catalogue-case.js';
import type { ReceiverCaseSpec } from '../catalogue-case.js';

/** A fix: its commit, what changed, and the stream that shows it. */
function fix(commit: string, slug: string, change: string, clauses: readonly ClauseId[], stream: ReceiverCaseSpec['stream'], extra: Partial<ReceiverCaseSpec> = {}): ReceiverCase {
  return receiverCase('history', { id: `${commit}-${slug}`, title: `${change} (qubes-linux-utils ${commit})`, clauses, stream, ...extra });
}

export const HISTORY_CASES: readonly ReceiverCase[] = [
  fix('af78e8d', 'symlink-size-counted', 'directory and symlink sizes count against the byte limit: a link target alone exceeds it', ['limit.bytes', 'inv.limits'], [dir('d'), link('d/l', 'target-of-twenty-bytes'), endMarker()], { limits: { bytes: 10n } }),
  fix('761305b', 'files-limit-before-file', 'the files limit is checked before the file is processed: the third of two allowed is never created', ['limit.files', 'inv.limits'], [file('a', 'x'), file('b', 'y'), file('c', 'z'), endMarker()], { limits: { files: 2n } }),
  fix('a73be3f', 'last-name-sent', 'the result carries the last processed name', ['result.extension'], [file('first', 'x'), file('second\x01', 'y'), endMarker()]),
  fix('141b991', 'result-pad-zero', 'the result header\'s pad field is zero (it was uninitialised)', ['result.header'], [file('a', 'x'), endMarker()]),
  fix('b0fe4d5', 'partial-file-invisible', 'a file is invisible until fully written: a cut file leaves nothing', ['quirk.no-leftover', 'file.truncated-content'], [file('partial', 'only-part', { header: { filelen: 100n } })]),
  fix('136bacb', 'control-character-refused', 'paths are sanitized: a control character in a name is refused', ['name.charset', 'inv.names-valid'], [file('a\x01b', 'x'), endMarker()]),
  fix('372fcab', 'utf8-letter-allowed', 'UTF-8 letters outside ASCII are allowed', ['name.charset'], [file('caf\u00e9', 'x'), endMarker()]),
  fix('da18bd6', 'utime-now-refused', 'UTIME_NOW and UTIME_OMIT are no longer let through', ['quirk.nsec-range'], [file('a', 'x', { mtimeNsec: UTIME_NOW }), endMarker()]),
  fix('de71f77', 'trailing-slash-refused', 'a trailing slash in a path is refused', ['name.trailing-slash'], [dir('d/'), endMarker()]),
  fix('828c509', 'bidi-refused', 'bidirectional text (U+202E) is refused', ['name.charset'], [file('gpj.\u202eexe', 'x'), endMarker()]),
  fix('0287c18', 'unassigned-refused', 'unassigned code points are refused', ['name.charset'], [file('\u0378', 'x'), endMarker()]),
  fix('185fc58', 'symbol-refused', 'non-ASCII symbols outside the allowlist are refused (U+2603 SNOWMAN)', ['name.charset'], [file('\u2603', 'x'), endMarker()]),
  fix('3ee5516', 'eof-before-end-marker', 'end of input before the end marker is EREMOTEIO, not success', ['recv.missing-end-marker', 'inv.end-marker-required'], [file('a', 'x')]),
  fix('075dfe4', 'repeated-header-on-link', 'a repeated directory header on a symlink no longer changes what the link points to (fchmodat followed it)', ['dir.repeat-not-directory', 'inv.no-escape'], (sandbox) => [dir('d'), link('d/out', `${sandbox.outside}/dir`), dir('d/out', { mode: 0o777 }), endMarker()], { profile: 'unsafe-symlinks' }),
];
