/**
 * The conformance catalogue: every case qfc certifies with, by kind and category.
 */
import type { CatalogueCase, EditorCase, ReceiverCase, SenderCase } from './catalogue-case.js';
import { EDITOR_CASES } from './editor-cases.js';
import { BOUNDARY_CASES } from './receiver/boundaries.js';
import { COLLISION_CASES } from './receiver/collisions.js';
import { HISTORY_CASES } from './receiver/history.js';
import { ENTRY_TYPE_CASES } from './receiver/entry-types.js';
import { LIMIT_CASES } from './receiver/limits.js';
import { MODE_AND_TIME_CASES } from './receiver/modes-and-times.js';
import { NAME_CASES } from './receiver/names.js';
import { STREAM_END_CASES } from './receiver/stream-end.js';
import { SYMLINK_CASES } from './receiver/symlinks.js';
import { TRUNCATION_CASES } from './receiver/truncation.js';
import { VALID_TREE_CASES } from './receiver/valid-trees.js';
import { SENDER_CASES } from './sender-cases.js';

/** Receiver cases, by category. */
export const RECEIVER_CASES: readonly ReceiverCase[] = [
  ...VALID_TREE_CASES,
  ...NAME_CASES,
  ...SYMLINK_CASES,
  ...ENTRY_TYPE_CASES,
  ...COLLISION_CASES,
  ...TRUNCATION_CASES,
  ...STREAM_END_CASES,
  ...LIMIT_CASES,
  ...MODE_AND_TIME_CASES,
  ...BOUNDARY_CASES,
  ...HISTORY_CASES,
];

export { SENDER_CASES, EDITOR_CASES };
export type { CatalogueCase, EditorCase, ReceiverCase, SenderCase };

/** The whole catalogue. */
export const CATALOGUE: readonly CatalogueCase[] = [...RECEIVER_CASES, ...SENDER_CASES, ...EDITOR_CASES];
