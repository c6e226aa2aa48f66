/**
 * `pack(paths, options)`: the reference qubes.Filecopy sender as a transfer object.
 *
 * `transfer.chunks` yields the stream (headers, names, content, the end marker); whatever
 * the receiver writes back is given to `transfer.receive()`, and its end to
 * `transfer.end()`. After each entry the sender looks, without waiting, whether the
 * receiver has already answered: an early answer is an error, so sending stops there.
 * `transfer.outcome` settles with the verdict once the receiver's answer is complete.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { encodeFileHeader, type FileHeader } from '../../../spec/codec/file-header.js';
import { decodeResult } from '../../../spec/codec/result-header.js';
import { FILE_HEADER_SIZE } from '../../../spec/constants.js';
import { copyBytes } from '../../../spec/byte-string.js';
import { Crc32Accumulator } from '../../../spec/crc.js';
import { failureMessage } from './messages.js';
import { sourceEntries, type SourceEntry } from './source-entries.js';

/** Options of {@link pack}. */
export interface PackOptions {
  /** Skip symlinks (`--ignore-symlinks`). */
  readonly ignoreSymlinks?: boolean;
  /** Directory relative paths are resolved against (default: the process's). */
  readonly cwd?: string;
}

/** How the transfer ended for the sender. */
export interface SenderOutcome {
  /** 0 only when the receiver reported success with the sender's own CRC. */
  readonly exitStatus: 0 | 1;
  /** What to tell the user (null on success). */
  readonly message: string | null;
  /** The receiver's result code, when a complete result arrived. */
  readonly errorCode: number | null;
  /** CRC of everything the sender wrote. */
  readonly crc32: number;
}

const CHUNK = 1 << 20;
const NS = 1_000_000_000n;

function timeFields(ns: bigint): [seconds: number, nsec: number] {
  let seconds = ns / NS;
  let nsec = ns % NS;
  if (nsec < 0n) {
    nsec += NS;
    seconds -= 1n;
  }
  return [Number(BigInt.asUintN(32, seconds)), Number(nsec)]; // seconds travel as 32 bits
}

function headerOf(entry: SourceEntry, filelen: bigint): FileHeader {
  const [atime, atimeNsec] = timeFields(entry.stats.atimeNs);
  const [mtime, mtimeNsec] = timeFields(entry.stats.mtimeNs);
  return { namelen: entry.name.length + 1, mode: Number(entry.stats.mode), filelen, atime, atimeNsec, mtime, mtimeNsec };
}

/** One sender transfer. */
export class SenderTransfer {
  readonly outcome: Promise<SenderOutcome>;
  readonly #paths: readonly string[];
  readonly #options: PackOptions;
  readonly #crc = new Crc32Accumulator();
  readonly #answer: Uint8Array[] = [];
  #answered = false;
  #sentEndMarker = false;
  #settle!: (outcome: SenderOutcome) => void;
  #failure: string | null = null;

  constructor(paths: readonly string[], options: PackOptions = {}) {
    this.#paths = paths;
    this.#options = options;
    this.outcome = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  /** Bytes the receiver wrote. */
  receive(bytes: Uint8Array): void {
    this.#answer.push(copyBytes(bytes));
  }

  /** The receiver's output has ended: the verdict can be given. */
  end(): void {
    if (this.#answered) return;
    this.#answered = true;
    this.#settle(this.#verdict());
  }

  /** The stream, chunk by chunk; it stops early when the receiver answers before the end. */
  async *chunks(): AsyncGenerator<Uint8Array> {
    try {
      for (const entry of sourceEntries(this.#paths, this.#options.cwd ?? process.cwd(), this.#options.ignoreSymlinks ?? false)) {
        yield* this.#entry(entry);
        if (this.#answer.length > 0 || this.#answered) return; // an early answer: the receiver stopped
      }
      this.#sentEndMarker = true;
      yield this.#count(new Uint8Array(FILE_HEADER_SIZE));
    } catch (error) {
      // A local problem (an unreadable source): stop sending and report it.
      this.#failure = (error as Error).message;
      this.end();
    }
  }

  #count(bytes: Uint8Array): Uint8Array {
    this.#crc.update(bytes);
    return bytes;
  }

  *#entry(entry: SourceEntry): Generator<Uint8Array> {
    const name = new Uint8Array(entry.name.length + 1);
    name.set(entry.name);
    if (entry.type === 'symlink') {
      const target = entry.target!;
      yield this.#count(encodeFileHeader(headerOf(entry, BigInt(target.length))));
      yield this.#count(name);
      yield this.#count(target);
      return;
    }
    if (entry.type === 'directory') {
      yield this.#count(encodeFileHeader(headerOf(entry, 0n)));
      yield this.#count(name);
      return;
    }
    const size = entry.stats.size;
    yield this.#count(encodeFileHeader(headerOf(entry, size)));
    yield this.#count(name);
    const fd = openSync(entry.path, 'r');
    try {
      let left = size;
      while (left > 0n) {
        const buffer = Buffer.allocUnsafe(CHUNK);
        const length = readSync(fd, buffer, 0, Number(left < BigInt(CHUNK) ? left : BigInt(CHUNK)), null);
        if (length === 0) throw new Error(`${entry.path.toString()} shrank while it was being sent`);
        left -= BigInt(length);
        yield this.#count(buffer.subarray(0, length));
      }
    } finally {
      closeSync(fd);
    }
  }

  #verdict(): SenderOutcome {
    const crc32 = this.#crc.value;
    const fail = (message: string, errorCode: number | null = null): SenderOutcome => ({ exitStatus: 1, message, errorCode, crc32 });
    if (this.#failure !== null) return fail(`File copy: ${this.#failure}`);
    const bytes = Buffer.concat(this.#answer);
    if (bytes.length === 0) return fail('File copy: the receiver ended without a result');
    const decoded = decodeResult(bytes);
    if (!decoded.ok) return fail(`File copy: malformed result from the receiver (${decoded.error.field} cut short at byte ${decoded.error.offset})`);
    const result = decoded.value;
    if (result.errorCode !== 0) return fail(failureMessage(result.errorCode, result.lastName), result.errorCode);
    if (!this.#sentEndMarker) return fail('File copy: the receiver reported success before the transfer ended', 0);
    if (result.crc32 !== crc32 || result.crcHigh !== 0) return fail('File transfer failed: checksum mismatch', 0);
    return { exitStatus: 0, message: null, errorCode: 0, crc32 };
  }
}

/** Start sending `paths`. */
export function pack(paths: readonly string[], options: PackOptions = {}): SenderTransfer {
  return new SenderTransfer(paths, options);
}
