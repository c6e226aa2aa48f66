/**
 * `npm run bench`: the reference receiver's cold start, throughput and peak memory,
 * each next to a baseline run in the same process on the same machine:
 *
 *   cold start   qfile-unpacker on a stream holding only the end marker, vs `node -e ''`
 *   throughput   one N MiB file (default 1024) through qfile-unpacker, vs `cat > file`
 *                (and vs `cat > file; sync -f file`, since the receiver flushes before answering)
 *   peak RSS     VmHWM of the receiver during the large transfer
 *   time to first finding
 *                a pbt campaign (one lane, fixed seed) against each flaw of the naive test
 *                receiver: runs and seconds to find it (time-to-find.ts), vs the same inputs
 *                against the naive receiver with no flaw
 *
 *   harness speed
 *                the harness's own cost per case, per catalogue and per fuzz input, against
 *                bare spawns and bubblewrap (harness-speed.ts)
 *   engines      pbt and Jazzer.js on the same run budget against each flaw, three seeds:
 *                runs and seconds to the first finding, execs/s (engine-effectiveness.ts)
 *
 * Options: --size-mib N, --runs N (cold start samples, default 30), --backend native|fallback,
 * --fuzz-seed N (default 1), --fuzz-runs N (the most a campaign runs, default 300),
 * --only cold-start|throughput|time-to-find|harness-speed|engines (repeatable; default all),
 * --no-bundled-pair (skip certifying the bundled pair in harness-speed), --json FILE (every
 * figure as JSON, for a CI job to keep a history).
 * Figures only: nothing here passes or fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStream } from '../../spec/builder/build-stream.js';
import { endMarker, file } from '../../spec/builder/stream-parts.js';
import { encodeFileHeader } from '../../spec/codec/file-header.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { engineEffectivenessSection } from './engine-effectiveness.js';
import { harnessSpeedSection } from './harness-speed.js';
import { timeToFindSection } from './time-to-find.js';

const RECEIVER = join(PACKAGE_ROOT, 'dist', 'bin', 'qfile-unpacker.js');
const MIB = 1 << 20;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isSafeInteger(value) || value <= 0) {
    process.stderr.write(`bench: ${name} takes a positive whole number\n`);
    process.exit(2);
  }
  return value;
}

const SECTIONS = ['cold-start', 'throughput', 'time-to-find', 'harness-speed', 'engines'] as const;

/** The sections `--only` asks for (all without it). */
function sections(): Set<string> {
  const asked = process.argv.flatMap((arg, index) => (process.argv[index - 1] === '--only' ? arg.split(',') : []));
  for (const name of asked) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      process.stderr.write(`bench: --only takes ${SECTIONS.join(', ')}\n`);
      process.exit(2);
    }
  }
  return new Set(asked.length === 0 ? SECTIONS : asked);
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

function timeRuns(runs: number, command: string, args: string[], input: Uint8Array, env: NodeJS.ProcessEnv): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cwd = mkdtempSync(join(tmpdir(), 'qfc-bench-'));
    const start = process.hrtime.bigint();
    const run = spawnSync(command, args, { cwd, input, env });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    rmSync(cwd, { recursive: true, force: true });
    if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  }
  return times;
}

/** Feed `parts` (the data chunk repeated `repeat` times in the middle) to `command`; wall time and peak RSS. */
async function stream(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, head: Uint8Array, data: Uint8Array, repeat: number, tail: Uint8Array) {
  const start = process.hrtime.bigint();
  const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'ignore', 'inherit'] });
  let peakKiB = 0;
  const poll = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakKiB = Math.max(peakKiB, Number(match[1]));
    } catch {
      // exited between polls
    }
  }, 20);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const write = async (bytes: Uint8Array): Promise<void> => {
    if (!child.stdin.write(bytes)) await new Promise((resolve) => child.stdin.once('drain', resolve));
  };
  await write(head);
  for (let i = 0; i < repeat; i++) await write(data);
  await write(tail);
  child.stdin.end();
  const status = await exited;
  clearInterval(poll);
  if (status !== 0) throw new Error(`${command} exited ${status}`);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, peakKiB };
}

async function main(): Promise<void> {
  const sizeMiB = option('--size-mib', 1024);
  const runs = option('--runs', 30);
  const only = sections();
  const backendIndex = process.argv.indexOf('--backend');
  const backend = backendIndex === -1 ? 'native' : process.argv[backendIndex + 1]!;
  const env = { ...process.env, QFC_RECEIVER_BACKEND: backend };
  const version = spawnSync(process.execPath, [RECEIVER, '--version'], { env, encoding: 'utf8' }).stdout.trim().replace('\n', ', ');
  console.log(`${version}; node ${process.version}; ${sizeMiB} MiB file; ${runs} cold-start runs`);

  const figures: Record<string, unknown> = { node: process.version, receiver: version, date: new Date().toISOString() };
  if (only.has('cold-start')) figures.coldStart = coldStart(runs, env);
  if (only.has('throughput')) figures.throughput = await throughput(sizeMiB, env);
  if (only.has('time-to-find')) figures.timeToFind = await timeToFindSection(option('--fuzz-seed', 1), option('--fuzz-runs', 300), (line) => console.log(line));
  if (only.has('harness-speed')) figures.harnessSpeed = await harnessSpeedSection((line) => console.log(line), { fuzzRuns: option('--fuzz-runs', 300), bundledPair: !process.argv.includes('--no-bundled-pair') });
  if (only.has('engines')) figures.engines = await engineEffectivenessSection(option('--fuzz-runs', 300), (line) => console.log(line));
  const jsonIndex = process.argv.indexOf('--json');
  if (jsonIndex !== -1) {
    const path = process.argv[jsonIndex + 1];
    if (path === undefined) {
      process.stderr.write('bench: --json takes a file name\n');
      process.exit(2);
    }
    // Whole or not at all: a history kept by CI must never hold half a record.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, `${JSON.stringify(figures, null, 2)}\n`);
    renameSync(partial, path);
    console.log(`figures: ${path}`);
  }
}

function coldStart(runs: number, env: NodeJS.ProcessEnv): { receiverMs: number; nodeMs: number; ratio: number } {
  const empty = buildStream([endMarker()]);
  const receiverStart = median(timeRuns(runs, process.execPath, [RECEIVER], empty, env));
  const nodeStart = median(timeRuns(runs, process.execPath, ['-e', ''], empty, env));
  console.log(`cold start: qfile-unpacker ${receiverStart.toFixed(1)} ms (median), node -e '' ${nodeStart.toFixed(1)} ms, ratio ${(receiverStart / nodeStart).toFixed(2)}`);
  return { receiverMs: receiverStart, nodeMs: nodeStart, ratio: receiverStart / nodeStart };
}

async function throughput(sizeMiB: number, env: NodeJS.ProcessEnv): Promise<Record<string, number>> {
  const data = Buffer.alloc(MIB, 0xa5);
  const size = BigInt(sizeMiB) * BigInt(MIB);
  const header = buildStream([file('big', '', { header: { filelen: size } })]);
  const work = mkdtempSync(join(tmpdir(), 'qfc-bench-'));
  try {
    const received = await stream(process.execPath, [RECEIVER], work, env, header, data, sizeMiB, encodeFileHeader({ namelen: 0, mode: 0, filelen: 0n, atime: 0, atimeNsec: 0, mtime: 0, mtimeNsec: 0 }));
    rmSync(join(work, 'big'));
    const cat = await stream('sh', ['-c', 'cat > big'], work, env, new Uint8Array(0), data, sizeMiB, new Uint8Array(0));
    rmSync(join(work, 'big'));
    const catSync = await stream('sh', ['-c', 'cat > big && sync -f big'], work, env, new Uint8Array(0), data, sizeMiB, new Uint8Array(0));
    const rate = (seconds: number) => `${(sizeMiB / seconds).toFixed(0)} MiB/s`;
    console.log(`throughput: qfile-unpacker ${rate(received.seconds)} (${received.seconds.toFixed(2)} s), cat > file ${rate(cat.seconds)} (ratio ${(cat.seconds / received.seconds).toFixed(2)}), cat > file; sync ${rate(catSync.seconds)} (ratio ${(catSync.seconds / received.seconds).toFixed(2)})`);
    console.log(`peak RSS: qfile-unpacker ${(received.peakKiB / 1024).toFixed(1)} MiB during the ${sizeMiB} MiB transfer (cat: ${(cat.peakKiB / 1024).toFixed(1)} MiB)`);
    return { sizeMiB, receiverSeconds: received.seconds, catSeconds: cat.seconds, catSyncSeconds: catSync.seconds, ratioToCatSync: received.seconds / catSync.seconds, receiverPeakKiB: received.peakKiB };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
