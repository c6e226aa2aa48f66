/**
 * The 'spec' position on each quirk of the upstream receiver (PROTOCOL §6).
 *
 * `'upstream'` mode reproduces the quirk exactly; `'spec'` mode predicts the behaviour
 * qfc certifies, stated here with the reason. A receiver that shows the upstream
 * behaviour is reported as exhibiting a known quirk, not as unsafe, unless the quirk
 * breaks an invariant of §7 in its environment.
 */
import type { ClauseId } from '../clauses.js';

/** One position. */
export interface QuirkPosition {
  readonly id: QuirkId;
  /** Item number in PROTOCOL §6. */
  readonly quirk: number;
  /** The clause that states the 'spec' behaviour. */
  readonly clause: ClauseId;
  readonly upstream: string;
  readonly spec: string;
  readonly why: string;
}

/** Stable ids of the quirks. */
export type QuirkId =
  | 'directory-name-errno'
  | 'nsec-fatal'
  | 'leftover-file'
  | 'set-id-applied'
  | 'directory-size-counted'
  | 'directory-times-deferred';

/** The positions, by quirk number. */
export const QUIRK_POSITIONS: readonly QuirkPosition[] = [
  {
    id: 'directory-name-errno',
    quirk: 1,
    clause: 'quirk.directory-name-errno',
    upstream: 'A rejected directory name reports error code 0xFFFFFFAC (the negated validator value) and exit status 172.',
    spec: 'A rejected directory name reports EILSEQ (84) with the name, and exit status 84.',
    why: 'The same rule (§3) rejects file and directory names; a sender must be able to map the code to "forbidden character". 0xFFFFFFAC is no errno and makes the sender print a meaningless strerror.',
  },
  {
    id: 'nsec-fatal',
    quirk: 2,
    clause: 'quirk.nsec-range',
    upstream: 'A nanosecond field over 999,999,999 ends the receiver with exit status 1 and no result header, after the file was created (and, with O_TMPFILE, already linked under its name with mode 0700 and the clock\'s times).',
    spec: 'A regular file or directory header with such a field is rejected with EINVAL (22) and a result header carrying the name, right after the name is validated and before anything is created.',
    why: 'A receiver must answer every stream with a result (the sender waits for it), and a header it refuses must leave nothing behind. Symlink headers are exempt: their times are never applied, upstream ignores them too.',
  },
  {
    id: 'leftover-file',
    quirk: 3,
    clause: 'quirk.no-leftover',
    upstream: 'Without O_TMPFILE the file is created (mode 0000) before the byte-limit check and before its content arrives, so EDQUOT, a short stream or a fatal time error leaves an empty or partial file behind.',
    spec: 'A regular file that fails for any reason leaves nothing behind; its name is taken only once its content is complete (so a taken name is reported after the content is read, as upstream does with O_TMPFILE).',
    why: 'A partial file under its final name is indistinguishable from a complete one for the user (§7.7), and a failed transfer must not consume the name.',
  },
  {
    id: 'set-id-applied',
    quirk: 4,
    clause: 'quirk.no-set-id',
    upstream: 'Mode bits above 0o777 (setuid, setgid, sticky) are applied as sent; only the nosuid mount of the real deployment makes them harmless.',
    spec: 'The setuid and setgid bits are cleared (mode & 0o1777 is applied); the sticky bit is kept.',
    why: 'A receiver cannot know that its target is mounted nosuid: qfc certifies receivers outside the Qubes wrapper, where a set-id executable owned by the receiving user lets anyone who runs it act as that user. The sticky bit grants nothing.',
  },
  {
    id: 'directory-size-counted',
    quirk: 5,
    clause: 'quirk.directory-size',
    upstream: 'A directory\'s st_size is added to the byte total when its header repeats (after the fact, without a check), so the same stream passes or fails the byte limit depending on the filesystem.',
    spec: 'Only file contents and link targets count against the byte limit.',
    why: 'The limit bounds what the sender ships; a directory\'s size is filesystem metadata that the stream does not carry, so counting it makes the verdict depend on the target filesystem instead of the stream.',
  },
  {
    id: 'directory-times-deferred',
    quirk: 6,
    clause: 'quirk.directory-times',
    upstream: 'A directory\'s times are checked (and applied) only when its header repeats: a directory sent once with a nanosecond field over 999,999,999 is created 0700 with the clock\'s times and the stream goes on, possibly to success.',
    spec: 'Every directory header\'s nanosecond fields are checked, the first one\'s included: a field over 999,999,999 is rejected with EINVAL (22) and a result header carrying the name, before the directory is created, as for a regular file (quirk 2).',
    why: 'Whether a header is acceptable must follow from its own bytes, not from whether the same header comes again: upstream accepts the bad field on a directory\'s first header and dies on it (quirk 2) on the repeat. The first header is the earliest point to refuse it, with a result and nothing left behind.',
  },
];
