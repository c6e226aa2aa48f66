/**
 * A certificate of a certify run (`qfc certify --certificate`): what was certified (the
 * implementation's commands and the SHA-256 of every program file they ran), against what
 * (suite version, contract, catalogue and corpus digests), where (kernel, bubblewrap), with
 * what outcome (summary, strictness, the digest of results.json), and when. With a signing
 * key it carries an Ed25519 signature over its canonical JSON (keys sorted, no spaces), which
 * `qfc certificate verify` checks, with the results digest, against a public key the verifier
 * trusts. Any changed field breaks the signature.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { ProgramFile } from '../certify/program-files.js';
import type { ResultsDocument } from './results-document.js';

export const CERTIFICATE_FORMAT = 'qfc-certificate/1';

/** The certified facts (everything the signature covers). */
export interface CertificateBody {
  readonly format: typeof CERTIFICATE_FORMAT;
  readonly suite: { readonly name: string; readonly version: string; readonly contract: number; readonly catalogueDigest: string; readonly corpusDigest: string };
  readonly implementation: {
    readonly name: string;
    readonly receiver: string | null;
    readonly sender: string | null;
    readonly openInVm: string | null;
    readonly profile: string;
    readonly programs: readonly ProgramFile[];
  };
  readonly machine: { readonly kernel: string; readonly bubblewrap: string | null; readonly node: string; readonly arch: string };
  readonly sandbox: string;
  readonly summary: ResultsDocument['summary'];
  readonly strict: boolean;
  /** True when no case failed (the run's own rule, expectations aside). */
  readonly conforming: boolean;
  readonly date: string;
  readonly results: { readonly file: string; readonly sha256: string };
}

/** A certificate, signed or not. */
export interface Certificate extends CertificateBody {
  readonly signature?: { readonly algorithm: 'ed25519'; readonly publicKey: string; readonly keyId: string; readonly value: string };
}

/** JSON with every object's keys sorted: the bytes that are signed. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, inner]) => inner !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of text, hex. */
export const sha256 = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/** A public key's id: the first 16 hex digits of the SHA-256 of its DER form. */
export function keyId(publicKey: KeyObject): string {
  return sha256(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16);
}

/** A private key from PEM text: Ed25519, or why not (one line). */
export function ed25519PrivateKey(pem: string): KeyObject | string {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? key : `an ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`;
  } catch (error) {
    return `not a PEM private key (${(error as Error).message.split('\n')[0]})`;
  }
}

/** A public key from PEM text (or a private key's PEM, whose public half is taken): Ed25519, or why not. */
export function ed25519PublicKey(pem: string): KeyObject | string {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? key : `an ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`;
  } catch (error) {
    return `not a PEM public key (${(error as Error).message.split('\n')[0]})`;
  }
}

/** `body` signed with `privateKey` (Ed25519). */
export function signCertificate(body: CertificateBody, privateKey: KeyObject): Certificate {
  const publicKey = createPublicKey(privateKey);
  const value = sign(null, Buffer.from(canonicalJson(body)), privateKey).toString('base64');
  return { ...body, signature: { algorithm: 'ed25519', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyId(publicKey), value } };
}

/** What verification found: the problems (none when valid) and what it could say of the signer. */
export interface Verification {
  readonly problems: readonly string[];
  readonly signer: string | null;
}

/**
 * Check `certificate`: its format, its signature against `trusted` (or, without one, against
 * the key it embeds — which proves only that it was not changed since that key signed it),
 * and the digest of `resultsText` when given.
 */
export function verifyCertificate(certificate: unknown, trusted: KeyObject | null, resultsText: string | null): Verification {
  if (typeof certificate !== 'object' || certificate === null || (certificate as { format?: unknown }).format !== CERTIFICATE_FORMAT) {
    return { problems: [`not a ${CERTIFICATE_FORMAT} certificate`], signer: null };
  }
  const { signature, ...body } = certificate as Certificate;
  const problems: string[] = [];
  let signer: string | null = null;
  if (signature === undefined) problems.push('the certificate is not signed');
  else if (signature.algorithm !== 'ed25519' || typeof signature.value !== 'string' || typeof signature.publicKey !== 'string') problems.push('the signature is not an Ed25519 signature');
  else {
    const embedded = ed25519PublicKey(signature.publicKey);
    const key = trusted ?? (typeof embedded === 'string' ? null : embedded);
    if (key === null) problems.push(`the embedded public key is unusable: ${embedded as string}`);
    else {
      signer = keyId(key);
      if (trusted !== null && typeof embedded !== 'string' && keyId(embedded) !== keyId(trusted)) problems.push(`signed by key ${keyId(embedded)}, not by the trusted key ${keyId(trusted)}`);
      let valid = false;
      try {
        valid = verify(null, Buffer.from(canonicalJson(body)), key, Buffer.from(signature.value, 'base64'));
      } catch {
        valid = false;
      }
      if (!valid) problems.push('the signature does not match the certificate: a field was changed after signing, or another key signed it');
    }
  }
  if (resultsText !== null && sha256(resultsText) !== body.results?.sha256) problems.push(`results.json does not match the certificate (sha256 ${sha256(resultsText).slice(0, 16)}…, certified ${String(body.results?.sha256).slice(0, 16)}…)`);
  return { problems, signer };
}
