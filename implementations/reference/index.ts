/**
 * The reference qubes.Filecopy pair, as a library (the CLIs are thin wrappers around it):
 *
 *   const result = await unpack(chunks, targetDir, { bytesLimit: 1n << 30n });
 *   const transfer = pack(['some/dir'], { ignoreSymlinks: false });
 *   for await (const chunk of transfer.chunks()) … ; transfer.receive(result.wire); transfer.end();
 *   const { exitStatus, message } = await transfer.outcome;
 */
export { unpack, type UnpackOptions, type UnpackResult } from './receiver/unpack.js';
export { ReceiverSession, type ReceiverSettings, type ReceiverOutcome } from './receiver/receiver-session.js';
export { describeBackend, openTarget, BackendError, type BackendChoice } from './receiver/open-target.js';
export type { TargetFilesystem } from './receiver/target-filesystem.js';
export { pack, SenderTransfer, type PackOptions, type SenderOutcome } from './sender/pack.js';
export { failureMessage, sanitizeRemoteName } from './sender/messages.js';
export { SourceError } from './sender/source-entries.js';
