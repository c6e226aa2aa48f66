/**
 * Standard input as chunks of up to 1 MiB, read synchronously: the receiver has nothing
 * else to do while it waits, and a blocking read is the cheapest way to move a large file
 * through Node. A fresh buffer per read keeps every chunk valid for as long as it is held.
 * A non-blocking descriptor (EAGAIN) switches to Node's asynchronous stream.
 */
import { createReadStream, readSync } from 'node:fs';

const CHUNK = 1 << 20;

/** Chunks of fd 0 until end of input. */
export async function* stdinChunks(): AsyncGenerator<Uint8Array> {
  for (;;) {
    const buffer = Buffer.allocUnsafe(CHUNK);
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
