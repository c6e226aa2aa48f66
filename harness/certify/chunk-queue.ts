/**
 * Chunks pushed by a producer (a program's stdout events), read as an async iterable by an
 * in-process consumer (the reference receiver's unpack, say). The consumer may stop early:
 * close() then drops whatever is pushed later instead of keeping it.
 */
export class ChunkQueue implements AsyncIterable<Uint8Array> {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private closed = false;
  private wake: (() => void) | null = null;

  push(chunk: Uint8Array): void {
    if (this.closed || this.ended) return;
    this.chunks.push(chunk);
    this.notify();
  }

  /** No more chunks will come (the producer's end of output). */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** The consumer is done: what is pushed from now on is dropped. */
  close(): void {
    this.closed = true;
    this.chunks.length = 0;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        yield chunk;
        continue;
      }
      if (this.ended || this.closed) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
