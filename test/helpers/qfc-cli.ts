/**
 * The built qfc command line, run as a user runs it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultsDocument } from '../../harness/reports/results-document.js';

export const QFC = fileURLToPath(new URL('../../dist/bin/qfc.js', import.meta.url));
export const BROKEN_RECEIVER = fileURLToPath(new URL('../fixtures/broken-receivers/naive-receiver.mjs', import.meta.url));

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run qfc synchronously (short commands). */
export function qfcSync(args: readonly string[], options: { cwd?: string; input?: string | Uint8Array } = {}): CliRun {
  const run = spawnSync(process.execPath, [QFC, ...args], { encoding: 'utf8', cwd: options.cwd, input: options.input, timeout: 600_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Run qfc without blocking the test worker (long certify runs). */
export function qfc(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [QFC, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A --receiver command line for a broken test receiver with `flaw`. */
export function brokenReceiver(flaw: string): string {
  return `${process.execPath} ${BROKEN_RECEIVER} ${flaw}`;
}

/** The results.json of the report in `out`. */
export function readReport(out: string): ResultsDocument {
  return JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
}

/** A replay command as qfc prints it (`qfc …`), run through the shell with the built qfc. */
export function runReplayCommand(line: string): { status: number | null; stdout: string } {
  const command = line.replace(/^qfc /, `${process.execPath} ${QFC} `);
  const run = spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stdout: run.stdout };
}
