/**
 * Read and check an implementation manifest (implementation-manifest.schema.json).
 * Every problem is a ManifestError with a one-line message naming the field.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ACCEPTED_CONTRACTS, CONTRACT_VERSION } from './contract-version.js';
import type { LimitPassing, LimitsContract } from './limits-contract.js';
import { DEFAULT_MEMORY_LIMIT_MIB, DEFAULT_TIME_LIMIT_MS, PROFILES, type Implementation, type Profile } from './implementation.js';

/** A manifest that cannot be used; the message is one line for the user. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

type Json = Record<string, unknown>;

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ManifestError(`${field} must be an object`);
  return value as Json;
}

function only(value: Json, field: string, allowed: readonly string[]): void {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw new ManifestError(`${field} has an unknown field '${unknown}'`);
}

function strings(value: unknown, field: string, nonEmpty: boolean): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string') || (nonEmpty && value.length === 0)) {
    throw new ManifestError(`${field} must be ${nonEmpty ? 'a non-empty' : 'an'} array of strings`);
  }
  return value as string[];
}

/** Resolve ./ and ../ elements against the manifest's directory. */
function argv(value: unknown, field: string, base: string): string[] {
  return strings(value, field, true).map((arg) => (arg.startsWith('./') || arg.startsWith('../') ? resolve(base, arg) : arg));
}

/** One limit's passing: `["--bytes-limit", "{}"]` or `{ "env": "NAME" }`; absent: not taken. */
function limitPassing(value: unknown, field: string): LimitPassing | null {
  if (value === undefined) return null;
  if (Array.isArray(value)) {
    const args = strings(value, field, true);
    if (!args.some((arg) => arg.includes('{}'))) throw new ManifestError(`${field} must hold {} where the value goes`);
    return { args };
  }
  const section = object(value, field);
  only(section, field, ['env']);
  if (typeof section.env !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(section.env)) throw new ManifestError(`${field}.env must be an environment variable name`);
  return { env: section.env };
}

/** `receiver.limits`: null (takes none) or how each limit is passed. */
function limitsOf(value: unknown): LimitsContract {
  if (value === null) return null;
  const section = object(value, 'receiver.limits');
  only(section, 'receiver.limits', ['bytes', 'files']);
  return { bytes: limitPassing(section.bytes, 'receiver.limits.bytes'), files: limitPassing(section.files, 'receiver.limits.files') };
}

/** Parse a manifest's JSON text; `base` is its directory. */
export function parseManifest(text: string, base: string): Implementation {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`not JSON: ${(error as Error).message}`);
  }
  const manifest = object(json, 'the manifest');
  only(manifest, 'the manifest', ['$schema', 'contract', 'name', 'timeLimitMs', 'memoryLimitMiB', 'bindRo', 'receiver', 'sender', 'openInVm', 'coverage']);
  if (typeof manifest.contract !== 'number' || !ACCEPTED_CONTRACTS.includes(manifest.contract)) throw new ManifestError(`contract must be one of ${ACCEPTED_CONTRACTS.join(', ')} (this qfc implements INTERPRETING.md version ${CONTRACT_VERSION})`);
  if (typeof manifest.name !== 'string' || manifest.name === '') throw new ManifestError('name must be a non-empty string');
  const timeLimitMs = manifest.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  if (typeof timeLimitMs !== 'number' || !Number.isInteger(timeLimitMs) || timeLimitMs < 100) throw new ManifestError('timeLimitMs must be an integer of at least 100');
  const memoryLimitMiB = manifest.memoryLimitMiB ?? DEFAULT_MEMORY_LIMIT_MIB;
  if (typeof memoryLimitMiB !== 'number' || !Number.isInteger(memoryLimitMiB) || memoryLimitMiB < 16 || memoryLimitMiB > 65536) throw new ManifestError('memoryLimitMiB must be an integer from 16 to 65536');
  const bindRo = manifest.bindRo === undefined ? [] : strings(manifest.bindRo, 'bindRo', false).map((path) => resolve(base, path));

  let receiver: Implementation['receiver'] = null;
  if (manifest.receiver !== undefined) {
    const section = object(manifest.receiver, 'receiver');
    only(section, 'receiver', ['command', 'profiles', 'timeResolution', 'limits', 'module']);
    const profiles: Partial<Record<Profile, string[]>> = {};
    const given = section.profiles === undefined ? { default: [] } : object(section.profiles, 'receiver.profiles');
    only(given, 'receiver.profiles', PROFILES);
    for (const [profile, args] of Object.entries(given)) profiles[profile as Profile] = strings(args, `receiver.profiles.${profile}`, false);
    const resolution = section.timeResolution ?? 'ns';
    if (resolution !== 'ns' && resolution !== 'us') throw new ManifestError("receiver.timeResolution must be 'ns' or 'us'");
    if (section.module !== undefined && (typeof section.module !== 'string' || section.module === '')) throw new ManifestError('receiver.module must be the path of an ES module');
    receiver = {
      argv: argv(section.command, 'receiver.command', base),
      profiles,
      timeResolution: resolution,
      ...('limits' in section ? { limits: limitsOf(section.limits) } : {}),
      ...(section.module === undefined ? {} : { module: resolve(base, section.module as string) }),
    };
  }
  let sender: Implementation['sender'] = null;
  if (manifest.sender !== undefined) {
    const section = object(manifest.sender, 'sender');
    only(section, 'sender', ['command', 'ignoreSymlinks']);
    const ignoreSymlinks = section.ignoreSymlinks === undefined ? ['--ignore-symlinks'] : strings(section.ignoreSymlinks, 'sender.ignoreSymlinks', false);
    sender = { argv: argv(section.command, 'sender.command', base), ignoreSymlinks };
  }
  let openInVm: Implementation['openInVm'] = null;
  if (manifest.openInVm !== undefined) {
    const section = object(manifest.openInVm, 'openInVm');
    only(section, 'openInVm', ['client', 'server']);
    openInVm = { client: argv(section.client, 'openInVm.client', base), server: argv(section.server, 'openInVm.server', base) };
  }
  if (receiver === null && sender === null && openInVm === null) throw new ManifestError('the manifest names no program (receiver, sender or openInVm)');
  let gcovDir: string | undefined;
  if (manifest.coverage !== undefined) {
    const section = object(manifest.coverage, 'coverage');
    only(section, 'coverage', ['gcov']);
    if (typeof section.gcov !== 'string' || section.gcov === '') throw new ManifestError('coverage.gcov must be the build directory of a program built with --coverage');
    gcovDir = resolve(base, section.gcov);
  }
  return { name: manifest.name, receiver, sender, openInVm, timeLimitMs, memoryLimitMiB, bindRo, ...(gcovDir === undefined ? {} : { gcovDir }) };
}

/** Read the manifest at `path`. */
export function readManifest(path: string): Implementation {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ManifestError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parseManifest(text, dirname(resolve(path)));
  } catch (error) {
    if (error instanceof ManifestError) throw new ManifestError(`${path}: ${error.message}`);
    throw error;
  }
}
