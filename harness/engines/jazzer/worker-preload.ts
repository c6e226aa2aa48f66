/**
 * Loaded with `node --import` before the Jazzer.js CLI in a worker started through the
 * compatibility runtime (compat-runtime.ts). There, Node's idea of its own executable is
 * the dynamic loader: `process.execPath` and `argv[0]` name ld-linux, not node. Two things
 * break on that: the bundled reference programs are started as `process.execPath script`,
 * and libFuzzer's subprocesses (-minimize_crash, -fork) are started from a script Jazzer.js
 * writes from `argv[0]`. Both are pointed back at what starts a working node: the system
 * node for programs (which keep the system libc), the launcher script for libFuzzer.
 */
const systemNode = process.env.QFC_SYSTEM_NODE;
const launcher = process.env.QFC_JAZZER_ARGV0;
if (systemNode !== undefined && systemNode !== '') process.execPath = systemNode;
if (launcher !== undefined && launcher !== '') process.argv[0] = launcher;

export {};
