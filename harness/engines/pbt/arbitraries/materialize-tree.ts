/**
 * Build a source tree on disk for a sender, with exact modes and nanosecond times.
 *
 * Times go through the qfc_fs addon (Node's own calls stop at microseconds; without the
 * addon they are set to the microsecond, and the round trip compares against what is on
 * disk either way). They are set bottom up, so creating children does not move a
 * directory's mtime afterwards; every atime is put at the last second a header can carry,
 * after (almost) any mtime and after now, so that with relatime neither the sender's reads
 * nor a snapshot move it and it can be compared.
 * Special files are made with mknodat through the addon, or mkfifo/mknod without it (a fifo
 * where qfc cannot make devices), with what the umask leaves of 0666 either way, and
 * sockets by binding one under a short name (a socket address is at most 107 bytes) and
 * renaming it before the server closes: closing removes only the old name.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, constants, mkdirSync, openSync, renameSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { AT_FDCWD, loadNativeFs } from '../../../../implementations/reference/native/addon.js';
import { U32_MAX } from '../../../../spec/constants.js';
import { linkTarget, type SourceNode, type SpecialKind } from './source-tree.js';

const native = (() => {
  const loaded = loadNativeFs();
  return loaded.ok ? loaded.fs : null;
})();

/** The atime every entry gets, in whole seconds (the nanoseconds come from the tree). */
export const FUTURE_ATIME = U32_MAX;

function setMetadata(path: string, mode: number, mtime: number, mtimeNsec: number, atimeNsec: number, directory: boolean): void {
  const fd = openSync(path, constants.O_RDONLY | (directory ? constants.O_DIRECTORY : 0));
  try {
    if (native === null) {
      utimesSync(path, FUTURE_ATIME + atimeNsec / 1e9, mtime + mtimeNsec / 1e9);
      chmodSync(path, mode);
      return;
    }
    if (native.fchmod(fd, mode) < 0) throw new Error(`fchmod ${path}`);
    if (native.futimens(fd, FUTURE_ATIME, atimeNsec, mtime, mtimeNsec) < 0) throw new Error(`futimens ${path}`);
  } finally {
    closeSync(fd);
  }
}

/** Longest socket address Linux takes (sun_path holds 108 bytes with the NUL). */
const SOCKET_ADDRESS_MAX = 107;
let sockets = 0;

/** Bind a socket under a short name in `scratch` (same filesystem), then move it to `path`. */
function bindSocket(path: string, scratch: string): Promise<void> {
  const short = join(scratch, `.s${process.pid}-${++sockets}`);
  if (Buffer.byteLength(short) > SOCKET_ADDRESS_MAX) {
    execFileSync('mkfifo', [path]); // no short name here: another special file does
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(short, () => {
      renameSync(short, path);
      server.close(() => resolve());
    });
  });
}

// What each kind is made as: /dev/null's and /dev/loop0's numbers, or a FIFO where only root
// may make devices.
const S_IFIFO = 0o010000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
// mknod(1)'s default: what the umask leaves of 0666.
const SPECIAL_PERMISSIONS = 0o666;

async function makeSpecial(path: string, kind: SpecialKind, scratch: string): Promise<void> {
  if (kind === 'socket') return bindSocket(path, scratch);
  const root = process.getuid?.() === 0;
  const [type, major, minor] = kind === 'char-device' && root ? [S_IFCHR, 1, 3] : kind === 'block-device' && root ? [S_IFBLK, 7, 0] : [S_IFIFO, 0, 0];
  // Through the addon when it is built: a spawn of mknod costs ~8 ms, a sixth of a fuzz run.
  if (native?.mknodAt !== undefined) {
    const made = native.mknodAt(AT_FDCWD, Buffer.from(path), type | SPECIAL_PERMISSIONS, major, minor);
    if (made < 0) throw new Error(`mknod ${path}: errno ${-made}`);
    return;
  }
  if (type === S_IFIFO) execFileSync('mkfifo', [path]);
  else execFileSync('mknod', [path, type === S_IFCHR ? 'c' : 'b', String(major), String(minor)]);
}

/** Create `tree` inside `root` (which must exist; its parent holds sockets while they are made). */
export async function materializeTree(root: string, tree: readonly SourceNode[]): Promise<void> {
  const visit = async (parent: string, node: SourceNode): Promise<void> => {
    const path = join(parent, node.name);
    if (node.kind === 'link') symlinkSync(linkTarget(node), path);
    else if (node.kind === 'special') await makeSpecial(path, node.special, dirname(root));
    else if (node.kind === 'file') {
      writeFileSync(path, node.content);
      setMetadata(path, node.mode, node.times.mtime, node.times.mtimeNsec, node.times.atimeNsec, false);
    } else {
      mkdirSync(path);
      for (const child of node.children) await visit(path, child);
      setMetadata(path, node.mode, node.times.mtime, node.times.mtimeNsec, node.times.atimeNsec, true);
    }
  };
  for (const node of tree) await visit(root, node);
}
