/**
 * Private names for files being written where O_TMPFILE is not available. A leading dot
 * and the pid keep them out of the way; a collision is retried by the caller (O_EXCL).
 */
let counter = 0;

/** A fresh staging name, as bytes. */
export function stagingName(): Uint8Array {
  counter += 1;
  const random = Math.floor(Math.random() * 0x1_0000_0000).toString(36);
  return Buffer.from(`.qfc-staging-${process.pid}-${counter}-${random}`);
}
