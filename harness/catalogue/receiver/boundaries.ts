/**
 * The numeric boundaries other categories leave one side of (the catalogue lint requires
 * every boundary at, just below and just above it): namelen one past its cap, a component
 * one below NAME_MAX, link targets just below PATH_MAX and one past the 16383 cap, the
 * largest valid nanosecond field but one, seconds at the signed 32-bit edge, and the largest
 * signed filelen but one; and one environment boundary, more entries in a directory than a
 * sandboxed run may hold descriptors, which a walk that leaks one per entry cannot get past.
 * Their expectations come from the spec's and upstream's models.
 */
import { dir, endMarker, file, link } from '../../../spec/builder/stream-parts.js';
import { MAX_FILE_LENGTH, MAX_NAME_LENGTH, MAX_NSEC, NAME_MAX, PATH_MAX } from '../../../spec/constants.js';
import { NOFILE } from '../../sandbox/contained-argv.js';
import { receiverCase, type ReceiverCase } from '../catalogue-case.js';

const SIGNED_32_MAX = 2 ** 31 - 1;
const PAST_DESCRIPTORS = NOFILE + 104;

export const BOUNDARY_CASES: readonly ReceiverCase[] = [
  receiverCase('boundaries', { id: 'namelen-one-past-cap', title: `a namelen of ${MAX_NAME_LENGTH + 2} (one past the cap of ${MAX_NAME_LENGTH + 1} with its NUL)`, clauses: ['name.length-limit'], stream: [file('n'.repeat(MAX_NAME_LENGTH + 1), 'x'), endMarker()] }),
  receiverCase('boundaries', { id: 'component-one-below-name-max', title: `a component of ${NAME_MAX - 1} bytes`, clauses: ['name.kernel-limits', 'file.name-valid'], stream: [file('c'.repeat(NAME_MAX - 1), 'x'), endMarker()] }),
  receiverCase('boundaries', { id: 'link-target-two-below-path-max', title: `a link target of ${PATH_MAX - 2} bytes`, clauses: ['name.kernel-limits', 'link.validated'], stream: [dir('d'), link('d/l', 't'.repeat(PATH_MAX - 2)), endMarker()] }),
  receiverCase('boundaries', { id: 'link-target-one-below-path-max', title: `a link target of ${PATH_MAX - 1} bytes, the longest the kernel takes`, clauses: ['name.kernel-limits', 'link.validated'], stream: [dir('d'), link('d/l', 't'.repeat(PATH_MAX - 1)), endMarker()] }),
  receiverCase('boundaries', { id: 'link-target-one-past-cap', title: `a link filelen of ${MAX_NAME_LENGTH + 1}, one past the cap`, clauses: ['link.target-length'], stream: [dir('d'), link('d/l', 't'.repeat(MAX_NAME_LENGTH + 1)), endMarker()] }),
  receiverCase('boundaries', { id: 'nsec-one-below-max', title: `a nanosecond field of ${MAX_NSEC - 1}`, clauses: ['file.mode-times', 'quirk.nsec-range'], stream: [file('a', 'x', { mtimeNsec: MAX_NSEC - 1, atimeNsec: MAX_NSEC - 1 }), endMarker()] }),
  receiverCase('boundaries', { id: 'seconds-at-signed-32-max', title: `times of ${SIGNED_32_MAX} seconds (2038-01-19, the last signed 32-bit second)`, clauses: ['file.mode-times'], stream: [file('a', 'x', { mtime: SIGNED_32_MAX, atime: SIGNED_32_MAX }), endMarker()] }),
  receiverCase('boundaries', { id: 'seconds-past-signed-32-max', title: `times of ${SIGNED_32_MAX + 1} seconds: a u32 field, not a signed one`, clauses: ['file.mode-times'], stream: [file('a', 'x', { mtime: SIGNED_32_MAX + 1, atime: SIGNED_32_MAX + 1 }), endMarker()] }),
  receiverCase('boundaries', { id: 'filelen-one-below-signed-max', title: 'a filelen of 2^63-2 with a stream that ends first', clauses: ['file.filelen-signed', 'file.truncated-content'], stream: [file('a', '', { header: { filelen: MAX_FILE_LENGTH - 1n } })] }),
  receiverCase('boundaries', {
    id: 'entries-past-descriptor-limit',
    title: `${PAST_DESCRIPTORS} files in one directory, more than the ${NOFILE} descriptors a sandboxed run may hold: a walk that keeps a descriptor per entry runs out`,
    clauses: ['recv.end-success', 'walk.no-follow'],
    stream: [dir('d'), ...Array.from({ length: PAST_DESCRIPTORS }, (_, i) => file(`d/${String(i).padStart(4, '0')}`, '')), dir('d'), endMarker()],
    pinned: { errorCode: 0 },
  }),
];
