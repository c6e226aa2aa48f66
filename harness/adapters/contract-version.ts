/**
 * The version of INTERPRETING.md this qfc implements. Version 2 added the containment
 * verdicts (memory cap, processes left running, the seccomp kill) and the minimal host view;
 * version 3 the one verdict rule (an upstream-exact run with a documented quirk is `info`,
 * round trips judged against the prediction of the stream) and `receiver.limits`. A manifest
 * written for an earlier version still runs, judged by this one.
 */
export const CONTRACT_VERSION = 3;

/** Contract versions a manifest may name. */
export const ACCEPTED_CONTRACTS: readonly number[] = [1, 2, 3];
