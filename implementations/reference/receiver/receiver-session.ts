/**
 * The reference receiver (PROTOCOL §2, 'spec' behaviour): a synchronous state machine fed
 * with the stream's chunks, acting on a {@link TargetFilesystem}.
 *
 * It reuses the spec's tokenizer for framing, its validator for names and links and its
 * constants for every limit, and takes the 'spec' position on each upstream quirk (see
 * spec/model/positions.ts): a bad directory name is EILSEQ, a bad nanosecond field is
 * EINVAL before anything exists, a failed file leaves nothing, set-id bits are cleared,
 * directory sizes never count against the byte limit. Memory stays bounded: file content
 * goes straight from the pushed chunk to the file.
 *
 * Imports are kept to the few spec modules it needs so that the CLI starts fast.
 */
import { copyBytes } from '../../../spec/byte-string.js';
import type { FileHeader } from '../../../spec/codec/file-header.js';
import {
  Errno,
  LEGAL_EOF,
  MAX_FILE_LENGTH,
  MAX_NAME_LENGTH,
  MAX_NSEC,
  PERMISSION_BITS,
  RESULT_OK,
  S_IFDIR,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
  SET_ID_BITS,
  ValidatorFlag,
} from '../../../spec/constants.js';
import { Crc32Accumulator } from '../../../spec/crc.js';
import type { StreamEvent } from '../../../spec/tokenizer/events.js';
import { StreamTokenizer } from '../../../spec/tokenizer/stream-tokenizer.js';
import { validateFileName } from '../../../spec/validator/validate-file-name.js';
import { validateSymlink } from '../../../spec/validator/validate-symlink.js';
import type { DirectoryHandle, EntryMetadata, PendingFile, TargetFilesystem } from './target-filesystem.js';

/** What the receiver allows (qfile-unpacker's defaults unless said otherwise). */
export interface ReceiverSettings {
  readonly allowDirectories?: boolean;
  readonly allowSymlinks?: boolean;
  readonly allowUnsafeCharacters?: boolean;
  readonly allowNonCanonicalSymlinks?: boolean;
  readonly allowUnsafeSymlinks?: boolean;
  /** 0 for none. */
  readonly bytesLimit?: bigint;
  /** 0 for none. */
  readonly filesLimit?: bigint;
  /** Called with each non-directory name once received (`-v`). */
  readonly onEntry?: (name: Uint8Array) => void;
  /** Called before a file's content is written, with its length (`-w`). */
  readonly beforeFile?: (length: bigint) => void;
}

/** How a transfer ended. */
export interface ReceiverOutcome {
  readonly errorCode: number;
  /** Last processed name for the result extension; null for none. */
  readonly lastName: Uint8Array | null;
}

type State =
  | { readonly kind: 'header' }
  | { readonly kind: 'name'; readonly header: FileHeader }
  | { readonly kind: 'file-content'; readonly name: Uint8Array; readonly header: FileHeader; readonly dir: DirectoryHandle; readonly last: Uint8Array; readonly file: PendingFile; written: bigint }
  | { readonly kind: 'link-target'; readonly name: Uint8Array }
  | { readonly kind: 'done' };

const SLASH = 0x2f;

/** One transfer. */
export class ReceiverSession {
  readonly crc = new Crc32Accumulator();
  readonly #fs: TargetFilesystem;
  readonly #settings: ReceiverSettings;
  readonly #flags: number;
  readonly #tokenizer = new StreamTokenizer();
  #state: State = { kind: 'header' };
  #outcome: ReceiverOutcome | null = null;
  #lastName: Uint8Array = new Uint8Array(0);
  #totalBytes = 0n;
  #totalFiles = 0n;

  constructor(fs: TargetFilesystem, settings: ReceiverSettings = {}) {
    this.#fs = fs;
    this.#settings = settings;
    this.#flags =
      (settings.allowUnsafeCharacters ? ValidatorFlag.UNSAFE_CHARACTERS : 0) |
      (settings.allowNonCanonicalSymlinks ?? true ? ValidatorFlag.NON_CANONICAL_SYMLINKS : 0) |
      (settings.allowUnsafeSymlinks ? ValidatorFlag.UNSAFE_SYMLINKS : 0);
  }

  /** The outcome once the transfer has ended (end marker, error or end of stream). */
  get outcome(): ReceiverOutcome | null {
    return this.#outcome;
  }

  /** Feed the next chunk; true when the transfer has ended and no more input is wanted. */
  push(chunk: Uint8Array): boolean {
    for (const event of this.#tokenizer.push(chunk)) {
      this.#handle(event);
      if (this.#outcome !== null) return true;
    }
    return false;
  }

  /** The stream has ended. */
  finish(): ReceiverOutcome {
    if (this.#outcome === null) for (const event of this.#tokenizer.finish()) this.#handle(event);
    return this.#outcome!;
  }

  #end(errorCode: number, lastName: Uint8Array | null): void {
    const state = this.#state;
    if (state.kind === 'file-content') {
      this.#fs.abandonFile(state.file);
      this.#release(state.dir);
    }
    this.#state = { kind: 'done' };
    this.#outcome = { errorCode, lastName: lastName === null ? null : copyBytes(lastName) };
  }

  #handle(event: StreamEvent): void {
    const state = this.#state;
    switch (event.kind) {
      case 'end-marker':
        this.crc.update(event.raw);
        this.#fs.flush();
        return this.#end(RESULT_OK, this.#lastName);
      case 'header':
        this.crc.update(event.raw);
        return this.#header(event.header);
      case 'name':
        this.crc.update(event.raw);
        this.#lastName = copyBytes(event.name); // the chunk it views may be reused
        return this.#entry((state as Extract<State, { kind: 'name' }>).header, this.#lastName);
      case 'file-content':
        this.crc.update(event.bytes);
        return this.#content(state as Extract<State, { kind: 'file-content' }>, event.bytes);
      case 'link-target':
        this.crc.update(event.raw);
        return this.#symlink((state as Extract<State, { kind: 'link-target' }>).name, event.target);
      case 'truncated':
        if (event.field === 'header') {
          this.#fs.flush();
          return this.#end(Errno.EREMOTEIO, this.#lastName);
        }
        return this.#end(LEGAL_EOF, event.field === 'name' ? null : this.#lastName);
      default:
        // trailing bytes come after the end marker and unframed bytes after an error: never reached
        return;
    }
  }

  #header(header: FileHeader): void {
    this.#totalFiles += 1n;
    const filesLimit = this.#settings.filesLimit ?? 0n;
    if (filesLimit !== 0n && this.#totalFiles > filesLimit) return this.#end(Errno.EDQUOT, this.#lastName);
    if (header.namelen > MAX_NAME_LENGTH) return this.#end(Errno.ENAMETOOLONG, null);
    this.#state = { kind: 'name', header };
  }

  #entry(header: FileHeader, name: Uint8Array): void {
    const type = header.mode & S_IFMT;
    if (type === S_IFREG) return this.#file(header, name);
    if (type === S_IFLNK && (this.#settings.allowSymlinks ?? true)) return this.#link(header, name);
    if (type === S_IFDIR && (this.#settings.allowDirectories ?? true)) return this.#directory(header, name);
    this.#end(Errno.EINVAL, name);
  }

  /** Name and time checks shared by files and directories, then the parent walk. */
  #locate(header: FileHeader, name: Uint8Array): { dir: DirectoryHandle; last: Uint8Array } | null {
    if (validateFileName(name, this.#flags) !== 0) {
      this.#end(Errno.EILSEQ, name);
      return null;
    }
    if (header.atimeNsec > MAX_NSEC || header.mtimeNsec > MAX_NSEC) {
      this.#end(Errno.EINVAL, name);
      return null;
    }
    return this.#walk(name);
  }

  /** Open the parents of `name` one component at a time, never following a link. */
  #walk(name: Uint8Array): { dir: DirectoryHandle; last: Uint8Array } | null {
    let dir = this.#fs.root;
    let start = 0;
    for (let slash = name.indexOf(SLASH); slash !== -1; slash = name.indexOf(SLASH, start)) {
      const component = name.subarray(start, slash);
      const next = this.#fs.openDirectory(dir, component);
      this.#release(dir);
      if (typeof next === 'number') {
        this.#end(next, component);
        return null;
      }
      dir = next;
      start = slash + 1;
    }
    return { dir, last: name.subarray(start) };
  }

  #release(dir: DirectoryHandle): void {
    if (dir !== this.#fs.root) this.#fs.closeDirectory(dir);
  }

  #file(header: FileHeader, name: Uint8Array): void {
    const place = this.#locate(header, name);
    if (place === null) return;
    const file = this.#fs.beginFile(place.dir);
    if (typeof file === 'number') {
      this.#release(place.dir);
      return this.#end(file, name);
    }
    const state = { kind: 'file-content' as const, name, header, dir: place.dir, last: place.last, file, written: 0n };
    this.#state = state;
    const limit = this.#settings.bytesLimit ?? 0n;
    if (header.filelen > MAX_FILE_LENGTH || (limit !== 0n && this.#totalBytes + header.filelen > limit)) {
      return this.#end(Errno.EDQUOT, name);
    }
    this.#totalBytes += header.filelen;
    this.#settings.beforeFile?.(header.filelen);
    if (header.filelen === 0n) this.#publish(state);
  }

  #content(state: Extract<State, { kind: 'file-content' }>, bytes: Uint8Array): void {
    const failed = this.#fs.writeFile(state.file, bytes);
    if (failed !== 0) return this.#end(failed, state.name);
    state.written += BigInt(bytes.length);
    if (state.written === state.header.filelen) this.#publish(state);
  }

  #publish(state: Extract<State, { kind: 'file-content' }>): void {
    const failed = this.#fs.publishFile(state.file, state.dir, state.last, metadataOf(state.header));
    this.#release(state.dir);
    this.#state = { kind: 'header' };
    if (failed !== 0) return this.#end(failed, state.name);
    this.#settings.onEntry?.(state.name);
  }

  #directory(header: FileHeader, name: Uint8Array): void {
    const place = this.#locate(header, name);
    if (place === null) return;
    const { dir, last } = place;
    let failed = this.#fs.makeDirectory(dir, last);
    // A new directory stays private (0700) until its header comes again, after its children.
    if (failed === Errno.EEXIST) failed = this.#fs.updateDirectory(dir, last, metadataOf(header));
    this.#release(dir);
    if (failed !== 0) return this.#end(failed, name);
    this.#state = { kind: 'header' };
  }

  #link(header: FileHeader, name: Uint8Array): void {
    if (header.filelen > BigInt(MAX_NAME_LENGTH)) return this.#end(Errno.ENAMETOOLONG, name);
    this.#totalBytes += header.filelen;
    const limit = this.#settings.bytesLimit ?? 0n;
    if (limit !== 0n && this.#totalBytes > limit) return this.#end(Errno.EDQUOT, name);
    this.#state = { kind: 'link-target', name };
  }

  #symlink(name: Uint8Array, target: Uint8Array): void {
    const invalid = validateSymlink(name, target, this.#flags);
    if (invalid !== 0) return this.#end(invalid, target);
    const place = this.#walk(name);
    if (place === null) return;
    const failed = this.#fs.createSymlink(place.dir, place.last, target);
    this.#release(place.dir);
    if (failed !== 0) return this.#end(failed, name);
    this.#state = { kind: 'header' };
    this.#settings.onEntry?.(name);
  }
}

/** Permission bits without setuid/setgid (the 'spec' position on quirk 4) and both times. */
function metadataOf(header: FileHeader): EntryMetadata {
  return {
    permissions: header.mode & PERMISSION_BITS & ~SET_ID_BITS,
    atime: header.atime,
    atimeNsec: header.atimeNsec,
    mtime: header.mtime,
    mtimeNsec: header.mtimeNsec,
  };
}
