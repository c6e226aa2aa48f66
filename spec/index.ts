/**
 * The executable spec of qfilecopy: the public API of `spec/`.
 *
 * Pure: bytes in, values out. Nothing here touches the real filesystem, spawns a process
 * or opens a socket; the model's filesystem is an in-memory map (model/volume.ts).
 */
export * from './constants.js';
export { cString, concatBytes, bytesEqual, toHex, fromHex, utf8 } from './byte-string.js';
export { encodePathKey, decodePathKey } from './path-key.js';
export { isDecodeError, SpecUsageError, type Decoded, type DecodeError, type DecodeField, type TruncatedField } from './errors.js';

export { encodeFileHeader, decodeFileHeader, type FileHeader } from './codec/file-header.js';
export { encodeResult, decodeResult, type ResultMessage, type DecodedResult } from './codec/result-header.js';
export { encodeFilenameField, decodeFilenameField, basenameOf, type FilenameField } from './codec/filename-field.js';
export { sanitizeEditorFileName, type EditorFileName, type EditorNameRefusal } from './codec/editor-file-name.js';

export { crc32, Crc32Accumulator } from './crc.js';

export { tokenize } from './tokenizer/tokenize.js';
export { StreamTokenizer } from './tokenizer/stream-tokenizer.js';
export type * from './tokenizer/events.js';

export { validatePath, type PathVerdict, type PathRule } from './validator/validate-path.js';
export { validateFileName } from './validator/validate-file-name.js';
export { validateSymlink, explainSymlink, type SymlinkVerdict, type SymlinkRule } from './validator/validate-symlink.js';
export { isAllowedCodePoint, ALLOWLIST_PROVENANCE, ALLOWLIST_RANGES } from './validator/allowlist.js';

export { predict } from './model/predict.js';
export { resolveOptions, receiverValidatorFlags, type ReceiverOptions, type ResolvedOptions, type ModelMode } from './model/options.js';
export type { Prediction, PredictedResult, TreeEntry, TreeEntryType, StopPhase } from './model/prediction.js';
export { QUIRK_POSITIONS, type QuirkPosition, type QuirkId } from './model/positions.js';

export { CLAUSES, findClause, type Clause, type ClauseId, type ClauseLevel, type ClauseSubject } from './clauses.js';

export { checkInvariants } from './invariants/check-invariants.js';
export { treeSnapshot, type Owner } from './invariants/tree-snapshot.js';
export { ROOT_KEY, type Snapshot, type SnapshotEntry, type SnapshotEntryType, type InvariantContext, type Violation } from './invariants/snapshot.js';
export { INVARIANT_TRIGGERS, challengedInvariants, type InvariantClause } from './invariants/invariant-triggers.js';

export { buildStream, entryBytes, type BuildOptions } from './builder/build-stream.js';
export { file, dir, link, special, endMarker, rawBytes } from './builder/stream-parts.js';
export type { StreamPart, EntryPart, EndMarkerPart, RawPart, EntrySettings, ByteSource } from './builder/stream-parts.js';
