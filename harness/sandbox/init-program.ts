/**
 * The supervisor every contained program runs under, `qfc-init` (native/qfc-init.c), built
 * from source with the system's C compiler the first time qfc needs it.
 *
 * A prebuilt binary would have to match every libc and architecture qfc runs on; a C file
 * and `cc` do. The build is cached under a directory named by the source's hash, so an
 * edited source is rebuilt and a concurrent qfc never sees half a binary (it is renamed
 * into place). The binary is run as root, so its cache must be a directory only we can
 * write: a binary planted there by another user would be run with our privileges.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

/** qfc-init cannot be built or its cache cannot be trusted: qfc cannot contain programs. */
export class InitProgramError extends Error {
  override name = 'InitProgramError';
}

/** The C source; not copied into dist/, so found from the package root. */
const SOURCE = join(PACKAGE_ROOT, 'harness', 'sandbox', 'native', 'qfc-init.c');
const BINARY = 'qfc-init';
/** Hex digits of the source's sha256 naming its build directory. */
const HASH_DIGITS = 16;
const COMPILE_TIMEOUT_MS = 120_000;

let built: string | undefined;

/** Path of a built qfc-init, building it on first use. Throws {@link InitProgramError}. */
export function initProgramPath(): string {
  built ??= buildInitProgram(cacheRoot());
  return built;
}

/**
 * Build qfc-init (or reuse its build) under `root`/<hash>/ and return the binary's path.
 * `root` must be a directory of ours that nobody else can write.
 */
export function buildInitProgram(root: string, compiler = 'cc'): string {
  const distrust = distrustOf(root);
  if (distrust !== null) throw new InitProgramError(`refusing the qfc-init cache ${root}: ${distrust}`);
  let source: Buffer;
  try {
    source = readFileSync(SOURCE);
  } catch (error) {
    throw new InitProgramError(`cannot read the qfc-init source: ${(error as Error).message}`);
  }
  const dir = join(root, createHash('sha256').update(source).digest('hex').slice(0, HASH_DIGITS));
  const binary = join(dir, BINARY);
  if (existsSync(binary)) return binary;
  // Readable as the root is: a program run as another user needs to reach the binary.
  mkdirSync(dir, { recursive: true, mode: lstatSync(root).mode & 0o755 });
  const partial = join(dir, `.${BINARY}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const compiled = spawnSync(compiler, ['-O2', '-Wall', '-Wextra', '-o', partial, SOURCE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: COMPILE_TIMEOUT_MS });
  if (compiled.error !== undefined || compiled.status !== 0) {
    rmSync(partial, { force: true });
    const why = compiled.error?.message ?? (compiled.stderr.trim() || `exit status ${compiled.status ?? compiled.signal}`);
    throw new InitProgramError(
      `qfc needs a C compiler once to build its sandbox supervisor: apt-get install gcc libc6-dev (${compiler} failed: ${oneLine(why)})`,
    );
  }
  renameSync(partial, binary);
  return binary;
}

/** The package's own cache when we can use it, else a private directory in the temporary directory. */
function cacheRoot(): string {
  const inPackage = join(PACKAGE_ROOT, '.cache', 'qfc-init');
  try {
    mkdirSync(inPackage, { recursive: true, mode: 0o755 });
    accessSync(inPackage, constants.W_OK);
    if (distrustOf(inPackage) === null) return inPackage;
  } catch {
    // a read-only or foreign installation: use the fallback
  }
  const fallback = join(tmpdir(), `qfc-init-${process.getuid?.() ?? 'user'}`);
  try {
    mkdirSync(fallback, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new InitProgramError(`cannot make the qfc-init cache ${fallback}: ${(error as Error).message}`);
  }
  return fallback; // buildInitProgram refuses it if someone else made it first
}

/** Why a cache directory is not ours alone, or null when it is. */
function distrustOf(root: string): string | null {
  let stats;
  try {
    stats = lstatSync(root);
  } catch (error) {
    return (error as Error).message;
  }
  if (!stats.isDirectory()) return 'not a directory';
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) return `owned by uid ${stats.uid}, not by us (${uid})`;
  if ((stats.mode & 0o022) !== 0) return `writable by others (mode ${(stats.mode & 0o777).toString(8)})`;
  return null;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
