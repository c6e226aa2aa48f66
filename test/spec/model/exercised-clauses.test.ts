/**
 * Prediction.exercised: the clauses a run put to work. One stream per row, each with the
 * clauses it must exercise and some it must not (so a rule is not counted for a stream
 * that never challenged it), and the whole table reaches every receiver MUST clause.
 */
import { describe, expect, it } from 'vitest';
import { buildStream } from '../../../spec/builder/build-stream.js';
import { dir, endMarker, file, link, special, type StreamPart } from '../../../spec/builder/stream-parts.js';
import { CLAUSES, type ClauseId } from '../../../spec/clauses.js';
import { S_IFIFO } from '../../../spec/constants.js';
import type { ReceiverOptions } from '../../../spec/model/options.js';
import { predict } from '../../../spec/model/predict.js';

interface Row {
  readonly stream: readonly StreamPart[];
  readonly options?: ReceiverOptions;
  readonly exercises: readonly ClauseId[];
  readonly not?: readonly ClauseId[];
}

const ok = endMarker();
const ROWS: readonly Row[] = [
  // a plain tree: wire rules and effects, no path rule, nothing challenges escape
  { stream: [dir('d'), file('d/f', 'x'), dir('d'), ok], exercises: ['wire.header-layout', 'wire.little-endian', 'wire.name-c-string', 'wire.file-payload', 'wire.directory-no-payload', 'wire.end-marker', 'dir.create-private', 'dir.repeat-applies', 'file.exclusive', 'file.mode-times', 'recv.end-success', 'result.header', 'result.extension', 'crc.algorithm', 'crc.consumed-bytes', 'recv.exit-status', 'inv.crc-exact', 'inv.owner', 'inv.no-hard-links', 'inv.bounded', 'inv.atomic-appearance'], not: ['name.dotdot-component', 'inv.no-escape', 'recv.stop-at-error', 'errno.values', 'quirk.no-set-id'] },
  // a cut stream
  { stream: [file('f', 'x')], exercises: ['recv.missing-end-marker', 'recv.stop-at-error', 'errno.values', 'inv.end-marker-required'], not: ['inv.crc-exact'] },
  // each path rule behind a refused name, and every refusal is EILSEQ
  { stream: [file('/abs'), ok], exercises: ['file.name-valid', 'name.absolute', 'name.non-dotdot-component', 'inv.no-escape', 'inv.names-valid'] },
  { stream: [file('../x'), ok], exercises: ['name.dotdot-component', 'inv.no-escape'] },
  { stream: [file('a/../x'), ok], exercises: ['name.dotdot-after-normal'] },
  { stream: [file('a//x'), ok], exercises: ['name.empty-component'], not: ['inv.no-escape'] },
  { stream: [file('./x'), ok], exercises: ['name.dot-component'] },
  { stream: [file(''), ok], exercises: ['name.empty'] },
  { stream: [file('a\x01'), ok], exercises: ['name.charset'] },
  { stream: [dir('a/'), ok], exercises: ['dir.name-valid', 'name.trailing-slash', 'quirk.directory-name-errno'] },
  // link rules
  { stream: [dir('d'), link('d/l', 'x'), ok], exercises: ['link.validated', 'link.exclusive', 'wire.symlink-payload', 'inv.symlink-contained'], not: ['link.escape-depth', 'link.non-canonical-target'] },
  { stream: [link('l', 'x'), ok], exercises: ['link.depth', 'inv.no-escape'] },
  { stream: [dir('d'), link('d/l', '../x'), ok], exercises: ['link.escape-depth'] },
  { stream: [dir('d'), dir('d/e'), link('d/e/l', '../x'), ok], exercises: ['link.escape-depth', 'link.exclusive'] },
  { stream: [dir('d'), link('d/l', '/etc'), ok], exercises: ['link.absolute-target'] },
  { stream: [dir('d'), link('d/l', 'x//y'), ok], exercises: ['link.non-canonical-target', 'link.exclusive'] },
  { stream: [dir('d'), link('d/l', 'x//y'), ok], options: { allowNonCanonicalSymlinks: false }, exercises: ['link.non-canonical-target'], not: ['link.exclusive'] },
  { stream: [link('l', '/etc'), ok], options: { allowUnsafeSymlinks: true }, exercises: ['link.unsafe-profile', 'inv.no-escape'] },
  { stream: [dir('d'), link('d/l', 'x', { header: { filelen: 16384n } }), ok], exercises: ['link.target-length'] },
  { stream: [dir('d'), link('d/l', 'x', { header: { filelen: 9n } })], exercises: ['link.truncated-target', 'inv.end-marker-required'] },
  { stream: [dir('d'), link('d/l', 'x'), file('d/l/f'), ok], exercises: ['walk.no-follow', 'inv.no-escape'] },
  { stream: [dir('d'), link('d/l', 'x'), link('d/l', 'y'), ok], exercises: ['link.exclusive', 'recv.stop-at-error'] },
  // types, lengths, limits
  { stream: [special(S_IFIFO, 'p'), ok], exercises: ['type.forbidden', 'inv.no-special-files'] },
  { stream: [file('f', 'x', { header: { namelen: 16384 } })], exercises: ['name.length-limit'] },
  { stream: [file('f', 'x', { header: { namelen: 40 } })], exercises: ['recv.truncated-name'] },
  { stream: [file('x'.repeat(256)), ok], exercises: ['name.kernel-limits'] },
  { stream: [file('f', 'x', { header: { filelen: 2n ** 63n } })], exercises: ['file.filelen-signed', 'quirk.no-leftover'] },
  { stream: [file('f', 'xyz', { header: { filelen: 10n } })], exercises: ['file.truncated-content', 'quirk.no-leftover'] },
  { stream: [file('f'), file('f'), ok], exercises: ['file.exclusive', 'quirk.no-leftover'] },
  { stream: [file('f'), dir('f'), ok], exercises: ['dir.repeat-not-directory'] },
  { stream: [file('a'), file('b'), ok], options: { filesLimit: 1 }, exercises: ['limit.files', 'inv.limits'] },
  { stream: [file('a', 'xyz'), ok], options: { bytesLimit: 2 }, exercises: ['limit.bytes', 'inv.limits'] },
  { stream: [dir('d'), dir('d'), ok], options: { bytesLimit: 100 }, exercises: ['quirk.directory-size', 'inv.limits'] },
  // modes and times
  { stream: [file('f', 'x', { mode: 0o4755 }), ok], exercises: ['quirk.no-set-id'] },
  { stream: [file('f', 'x', { mtimeNsec: 1_000_000_000 }), ok], exercises: ['quirk.nsec-range'], not: ['quirk.directory-times'] },
  { stream: [dir('d', { atimeNsec: 1_000_000_000 }), ok], exercises: ['quirk.nsec-range', 'quirk.directory-times'] },
  { stream: [dir('d', { atimeNsec: 1_000_000_000 }), ok], options: { mode: 'upstream' }, exercises: ['quirk.directory-times', 'dir.create-private', 'recv.end-success'] },
  // a read-only directory filled later: refused for a user, let through for root
  { stream: [dir('d'), dir('d', { mode: 0o555 }), file('d/f'), ok], exercises: ['recv.user-permissions'] },
  { stream: [dir('d'), dir('d', { mode: 0o555 }), file('d/f'), ok], options: { privileged: true }, exercises: ['recv.user-permissions', 'recv.end-success'] },
  { stream: [dir('d'), file('d/f'), ok], options: { privileged: true }, exercises: [], not: ['recv.user-permissions'] },
];

describe('the clauses a prediction exercised', () => {
  ROWS.forEach((row, index) => {
    it(`row ${index + 1}: ${row.exercises.slice(0, 3).join(', ') || 'none'}`, () => {
      const exercised = predict(buildStream(row.stream), row.options).exercised;
      for (const clause of row.exercises) expect(exercised, clause).toContain(clause);
      for (const clause of row.not ?? []) expect(exercised, clause).not.toContain(clause);
      expect([...exercised].sort()).toEqual(exercised);
    });
  });

  it('reach, over the table, every receiver MUST clause but the verbose listing', () => {
    const reached = new Set(ROWS.flatMap((row) => predict(buildStream(row.stream), row.options).exercised));
    const receiverMust = CLAUSES.filter((clause) => clause.subject === 'receiver' && clause.level === 'MUST').map((clause) => clause.id);
    expect(receiverMust.filter((id) => !reached.has(id))).toEqual([]);
  });

  it('are the same in upstream mode for the same rules', () => {
    const stream = buildStream([file('../x'), ok]);
    expect(predict(stream, { mode: 'upstream' }).exercised).toEqual(predict(stream).exercised);
  });
});
