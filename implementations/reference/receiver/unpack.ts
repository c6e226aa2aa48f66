/**
 * `unpack(input, targetDir, options)`: receive one qubes.Filecopy stream into a directory.
 *
 * The programmatic face of the reference receiver (the CLI and the in-process fuzz engine
 * use it). It reads the input only as far as the transfer goes: at the first error it
 * stops, like the receiver must, and the rest of the input is left unread.
 */
import { constants } from 'node:os';
import { encodeResult } from '../../../spec/codec/result-header.js';
import { EXIT_STATUS_MODULUS } from '../../../spec/constants.js';
import { type BackendChoice, openTarget } from './open-target.js';
import { ReceiverSession, type ReceiverSettings } from './receiver-session.js';

/** Options of {@link unpack}. */
export interface UnpackOptions extends ReceiverSettings {
  /** Backend to use (default: `QFC_RECEIVER_BACKEND`, else the addon when built). */
  readonly backend?: BackendChoice;
  /** False: the native backend stages files as where O_TMPFILE is missing (default true). */
  readonly nativeTmpfile?: boolean;
}

/** What the receiver answers. */
export interface UnpackResult {
  readonly errorCode: number;
  readonly crc32: number;
  readonly lastName: Uint8Array | null;
  /** The process exit status this result gives (code modulo 256). */
  readonly exitStatus: number;
  /** The result header and extension as sent on the wire. */
  readonly wire: Uint8Array;
  readonly backend: 'native' | 'fallback';
}

/** Receive `input` into `targetDir`. Rejects only for a target that cannot be opened. */
export async function unpack(input: AsyncIterable<Uint8Array>, targetDir: string, options: UnpackOptions = {}): Promise<UnpackResult> {
  const fs = openTarget(targetDir, options.backend, options.nativeTmpfile);
  if (typeof fs === 'number') {
    const name = Object.entries(constants.errno).find(([, errno]) => errno === fs)?.[0] ?? 'errno';
    throw new Error(`cannot open target directory ${targetDir}: ${name} (${fs})`);
  }
  try {
    const session = new ReceiverSession(fs, options);
    let ended = false;
    for await (const chunk of input) {
      if (session.push(chunk)) {
        ended = true;
        break;
      }
    }
    const outcome = ended ? session.outcome! : session.finish();
    const result = { errorCode: outcome.errorCode, crc32: session.crc.value, lastName: outcome.lastName };
    return { ...result, exitStatus: outcome.errorCode % EXIT_STATUS_MODULUS, wire: encodeResult(result), backend: fs.backend };
  } finally {
    fs.close();
  }
}
