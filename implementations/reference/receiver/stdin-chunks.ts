/**
 * Standard input as chunks, read synchronously into one reused 1 MiB buffer: the receiver
 * has nothing else to do while it waits, a blocking read is the cheapest way to move a
 * large file through Node, and one buffer keeps memory flat (a pipe hands over at most
 * its capacity per read, so a fresh buffer per read would churn the heap).
 *
 * Each chunk is valid only until the next one is requested: the consumer must be done
 * with it by then (the receiver is: it writes content out and copies what it keeps).
 * A non-blocking descriptor (EAGAIN) switches to Node's asynchronous stream.
 */
import { createReadStream, readSync } from 'node:fs';
import { loadNativeFs } from '../native/addon.js';

const CHUNK = 1 << 20;

/** Chunks of fd 0 until end of input. */
export async function* stdinChunks(): AsyncGenerator<Uint8Array> {
  // A pipe gives a read at most its capacity: grown to a chunk, a large file crosses in a
  // sixteenth of the rounds (1 GiB: 1.6x faster). Not a pipe, or over the system's limit
  // (fs.pipe-max-size, a user's pipe pages): it stays as it is, which is only slower.
  const native = loadNativeFs();
  if (native.ok && typeof native.fs.setPipeSize === 'function') native.fs.setPipeSize(0, CHUNK);
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    let length: number;
    try {
      length = readSync(0, buffer, 0, CHUNK, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        yield* createReadStream('', { fd: 0, highWaterMark: CHUNK, autoClose: false });
        return;
      }
      if (code === 'EOF') return;
      throw error;
    }
    if (length === 0) return;
    yield buffer.subarray(0, length);
  }
}
