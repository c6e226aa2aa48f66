/**
 * What every contained run shares, however it was started (a bubblewrap of its own, or a
 * request to a sandbox lane): its stdin fed, its stdout and stderr collected under their caps,
 * the time limit, and the result assembled from what the supervisor reported.
 */
import type { Readable, Writable } from 'node:stream';
import type { ContainedProcess, ContainedResult, ContainedRun } from './run-contained.js';
import { parseSupervision } from './supervision.js';

/** Bytes of the supervisor's report kept (it writes two short lines per run). */
const REPORT_CAP = 1 << 16;

/** How the run ended, as its launcher saw it. */
export interface LaunchEnd {
  /** The exit of the process qfc started, when the supervisor sent no final line. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The launch itself failed (a harness-side problem). */
  readonly spawnError: string | null;
}

/** A started run, as its launcher hands it over. */
export interface ProgramLaunch {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Calls `listener` with each piece of this run's supervisor report. */
  onReport(listener: (chunk: Buffer) => void): void;
  /** Resolves once the program holds its stdin (closing ours earlier would lose its input). */
  readonly opened: Promise<void>;
  /** End the run now: the supervisor kills it and still reports; the launcher escalates if not. */
  terminate(): void;
  /** Resolves once the run is over: the supervisor's final line, or the process qfc started ended. */
  readonly ended: Promise<LaunchEnd>;
  /** How long to wait for stdout's end once the run is over, before giving up on it. */
  readonly stdoutGraceMs: number;
  /** Called once the result is assembled: the launcher lets go of what the run held. */
  release(result: ContainedResult): void;
}

/** Watch `launch` under the caps and time limit of `run`. */
export function watchProgram(run: ContainedRun, launch: ProgramLaunch, started: number): ContainedProcess {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const report: Buffer[] = [];
  let reportBytes = 0;
  const listeners: ((chunk: Buffer) => void)[] = [];
  let stdoutBytes = 0;
  let stderrBytes = 0;
  let timedOut = false;
  let stopped = false;
  let flooded: ContainedResult['flooded'] = null;
  let stdinOpen = true;
  const { stdin: stdinSink, stdout: stdoutSource } = launch;

  const timer = setTimeout(() => {
    timedOut = true;
    launch.terminate();
  }, run.timeLimitMs);
  launch.onReport((chunk) => {
    reportBytes += chunk.length;
    if (reportBytes <= REPORT_CAP) report.push(chunk);
  });
  stdoutSource.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    if (stdoutBytes > run.stdoutCap) {
      flooded ??= 'stdout';
      launch.terminate();
      return;
    }
    stdout.push(chunk);
    for (const listener of listeners) listener(chunk);
  });
  launch.stderr.on('data', (chunk: Buffer) => {
    stderrBytes += chunk.length;
    if (stderrBytes > run.stderrCap) {
      flooded ??= 'stderr';
      launch.terminate();
    } else stderr.push(chunk);
  });
  launch.stderr.on('error', () => {
    // a read error on our side: the program's stderr ends here
  });
  stdinSink.on('error', () => {
    stdinOpen = false; // the program stopped reading: its right, it answers at its first error
    stdinSink.destroy();
  });
  stdoutSource.on('error', () => {
    // a read error on our side: the program's output ends here
  });
  const stdoutClosed = new Promise<void>((resolve) => stdoutSource.once('close', () => resolve()));
  const stderrClosed = new Promise<void>((resolve) => launch.stderr.once('close', () => resolve()));

  const done = launch.ended.then(async (end) => {
    clearTimeout(timer);
    // A descendant that escaped supervision may still hold stdout: do not wait for it forever.
    const grace = setTimeout(() => {
      stdoutSource.destroy();
      launch.stderr.destroy();
    }, launch.stdoutGraceMs);
    await Promise.all([stdoutClosed, stderrClosed]);
    clearTimeout(grace);
    stdinSink.destroy();
    const supervision = parseSupervision(Buffer.concat(report).toString('utf8'), run.memoryLimit);
    let spawnError = end.spawnError;
    // The supervisor passes the program's own end through; when it could not exec the program, say why.
    if (supervision.execError !== null && spawnError === null) spawnError = `cannot run ${run.argv[0]}: ${supervision.execError}`;
    const result: ContainedResult = {
      status: supervision.final ? supervision.status : end.status,
      signal: supervision.final ? supervision.signal : end.signal,
      stdout: Buffer.concat(stdout),
      stderr: Buffer.concat(stderr),
      timedOut: timedOut && !stopped,
      flooded,
      spawnError,
      ms: Date.now() - started,
      supervision: { ...supervision, stopped },
    };
    launch.release(result);
    return result;
  });

  return {
    write: (bytes) =>
      new Promise((resolve) => {
        if (!stdinOpen || stdinSink.destroyed) return resolve();
        if (stdinSink.write(bytes)) return resolve();
        const settle = (): void => {
          stdinSink.off('drain', settle);
          stdinSink.off('close', settle);
          resolve();
        };
        stdinSink.on('drain', settle);
        stdinSink.on('close', settle);
      }),
    end: () => {
      // Destroy once flushed: shutdown() does not apply to a FIFO, only closing the
      // descriptor gives the program its end of input.
      void launch.opened.then(() => {
        if (!stdinSink.destroyed) stdinSink.end(() => stdinSink.destroy());
      });
    },
    stop: () => {
      stopped = true;
      launch.terminate();
    },
    onStdout: (listener) => listeners.push(listener),
    onStdoutEnd: (listener) => {
      if (stdoutSource.readableEnded || stdoutSource.destroyed) listener();
      else stdoutSource.once('close', listener);
    },
    done,
  };
}
