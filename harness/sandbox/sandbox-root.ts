/**
 * A fresh sandbox root per run:
 *
 *   <root>/target/            the receiver's working directory (empty)
 *   <root>/outside/           where escapes land, so that they are observable:
 *          sentinel.txt       a file a receiver must never touch
 *          dir/inner.txt      a directory with a file
 *          link -> sentinel.txt
 *   <root>/source/            the sender's working directory (sender cases fill it)
 *
 * Catalogue cases address these by absolute path (escape probes); the snapshot of the
 * whole root before and after a run shows any change outside `target/`.
 */
import { chmodSync, chownSync, lchownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Absolute paths of one sandbox. */
export interface SandboxPaths {
  readonly root: string;
  readonly target: string;
  readonly outside: string;
  readonly source: string;
}

/** Create a sandbox root under `base`; `owner` (uid and gid) owns target/ and source/. */
export function createSandbox(base: string, label: string, owner?: { uid: number; gid: number }): SandboxPaths {
  const root = mkdtempSync(join(base, `${label.slice(0, 60)}-`));
  chmodSync(root, 0o755);
  const paths = { root, target: join(root, 'target'), outside: join(root, 'outside'), source: join(root, 'source') };
  mkdirSync(paths.target, { mode: 0o755 });
  mkdirSync(paths.source, { mode: 0o755 });
  mkdirSync(join(paths.outside, 'dir'), { recursive: true, mode: 0o755 });
  writeFileSync(join(paths.outside, 'sentinel.txt'), 'a receiver must never touch this file\n');
  writeFileSync(join(paths.outside, 'dir', 'inner.txt'), 'nor this one\n');
  symlinkSync('sentinel.txt', join(paths.outside, 'link'));
  if (owner !== undefined) {
    chownSync(paths.target, owner.uid, owner.gid);
    chownSync(paths.source, owner.uid, owner.gid);
  }
  return paths;
}

/** Give everything below `path` (included) to `owner`, so a program run as that user can use it. */
export function chownTree(path: string, owner: { uid: number; gid: number }): void {
  lchownSync(path, owner.uid, owner.gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const child of readdirSync(path)) chownTree(`${path}/${child}`, owner);
}

/** Make every directory below `path` removable again, reading names as raw bytes. */
function unlock(path: Buffer): void {
  if (!lstatSync(path).isDirectory()) return;
  chmodSync(path, 0o700);
  for (const child of readdirSync(path, { encoding: 'buffer' })) unlock(Buffer.concat([path, Buffer.from('/'), child]));
}

/** Remove a sandbox root, whatever modes the program left inside it. */
export function removeSandbox(paths: SandboxPaths): void {
  try {
    unlock(Buffer.from(paths.root));
  } catch {
    // removal below reports nothing either: a leftover root is only disk space
  }
  rmSync(paths.root, { recursive: true, force: true });
}
