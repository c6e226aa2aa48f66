/**
 * The version of INTERPRETING.md this qfc implements. Version 2 added the containment
 * verdicts (memory cap, processes left running, the seccomp kill) and the minimal host view;
 * a manifest written for version 1 still runs, judged by version 2.
 */
export const CONTRACT_VERSION = 2;

/** Contract versions a manifest may name. */
export const ACCEPTED_CONTRACTS: readonly number[] = [1, 2];
