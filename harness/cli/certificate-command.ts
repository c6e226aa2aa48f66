/**
 * `qfc certificate verify CERT [--public-key FILE] [--results FILE]`: check a certificate's
 * Ed25519 signature — against the public key given (the one to trust), or else against the
 * key the certificate embeds, which only shows it was not changed since that key signed it —
 * and that results.json (given, or beside the certificate) is the one certified. Exit 0 when
 * it holds, 1 when it does not (each problem on a line), 2 on bad usage.
 *
 * `qfc certificate keygen DIR`: a new Ed25519 key pair for --signing-key, as
 * DIR/signing-key.pem (mode 0600) and DIR/public-key.pem; never over existing keys.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ed25519PublicKey, keyId, verifyCertificate } from '../reports/certificate.js';
import { writeFileAtomically } from '../reports/write-report.js';
import { UsageError, type ParsedArguments } from './arguments.js';

export const CERTIFICATE_USAGE = `usage: qfc certificate verify CERTIFICATE.json [--public-key KEY.pem] [--results results.json]
       qfc certificate keygen DIR`;
export const CERTIFICATE_FLAGS = ['--help'];
export const CERTIFICATE_VALUES = ['--public-key', '--results'];

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function verifyCommand(certificatePath: string, args: ParsedArguments): { text: string; status: number } {
  const path = resolve(certificatePath);
  let certificate: unknown;
  try {
    certificate = JSON.parse(readText(path, 'certificate'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`certificate ${path} is not JSON: ${(error as Error).message}`);
  }
  const keyPath = args.value('--public-key');
  let trusted = null;
  if (keyPath !== undefined) {
    const key = ed25519PublicKey(readText(resolve(keyPath), '--public-key'));
    if (typeof key === 'string') throw new UsageError(`--public-key ${keyPath}: ${key}`);
    trusted = key;
  }
  const given = args.value('--results');
  const beside = join(dirname(path), 'results.json');
  const resultsPath = given !== undefined ? resolve(given) : existsSync(beside) ? beside : null;
  const resultsText = resultsPath === null ? null : readText(resultsPath, '--results');
  const { problems, signer } = verifyCertificate(certificate, trusted, resultsText);
  if (problems.length > 0) return { text: problems.map((problem) => `qfc certificate: ${problem}`).join('\n'), status: 1 };
  const whose = trusted === null ? `by the key it embeds (${signer}); give --public-key to check who signed it` : `by the trusted key ${signer}`;
  return { text: `certificate ${path}: valid, signed ${whose}${resultsText === null ? '; no results.json checked' : `; results.json ${resultsPath} matches`}`, status: 0 };
}

function keygenCommand(directory: string): string {
  const dir = resolve(directory);
  const privatePath = join(dir, 'signing-key.pem');
  const publicPath = join(dir, 'public-key.pem');
  for (const path of [privatePath, publicPath]) if (existsSync(path)) throw new UsageError(`${path} exists: keys are never overwritten`);
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileAtomically(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  writeFileAtomically(publicPath, publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return `key ${keyId(publicKey)}: ${privatePath} (sign with qfc certify --certificate --signing-key), ${publicPath} (give to verifiers)`;
}

export function certificateCommand(args: ParsedArguments): { text: string; status: number } {
  const [action, target, ...extra] = args.positional;
  if (target === undefined || extra.length > 0) throw new UsageError(CERTIFICATE_USAGE);
  if (action === 'verify') return verifyCommand(target, args);
  if (action === 'keygen') return { text: keygenCommand(target), status: 0 };
  throw new UsageError(CERTIFICATE_USAGE);
}
