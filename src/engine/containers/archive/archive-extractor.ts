/**
 * Writes the entries of a `docker cp` upload into a directory of a
 * container, as dockerd's archive.Untar does inside the container's root:
 *
 * - names are relative to the extraction directory; one that climbs out of
 *   it with ".." is refused (so is a hard link to outside it, and a symlink
 *   whose relative target leaves it, as dockerd refuses them);
 * - symlinks already in the container (or written by this archive) are
 *   followed as the container would follow them, never out of `root`;
 * - what is in the way is replaced, except that a directory entry merges
 *   into an existing directory; with noOverwriteDirNonDir a directory and a
 *   non-directory never replace each other;
 * - missing parent directories are created 0755, owned by root;
 * - owners come from the tar with copyUIDGID, else `owner` (root);
 * - directory modes and times are set last, after their content.
 *
 * Files are created with O_EXCL|O_NOFOLLOW after removing what was there,
 * so nothing is written through a symlink planted at the final name.
 */
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';

import { BerthError, conflict, internal, invalidArgument } from '../../../errors.js';
import { cleanEntryPath } from '../../../image/unpack/safe-path.js';
import { mknod, setXattrs } from '../../../image/unpack/special-files.js';
import type { TarEntry } from '../../../image/unpack/tar-reader.js';
import { resolveInRoot } from './scoped-path.js';

export interface ExtractOptions {
  /** owners as recorded in the tar (docker cp -a); otherwise `owner` */
  copyUIDGID?: boolean;
  /** who owns what is extracted without copyUIDGID; default root (0:0) */
  owner?: { uid: number; gid: number };
  /** refuse to replace a directory by a non-directory, or the reverse */
  noOverwriteDirNonDir?: boolean;
  /** told about what was skipped (device nodes when not root, unsupported xattrs) */
  onWarning?: (message: string) => void;
}

interface DirMeta {
  mode: number;
  atime: number;
  mtime: number;
}

const FILE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const lstatOrUndefined = (p: string): Stats | undefined => lstatSync(p, { throwIfNoEntry: false });

export class ArchiveExtractor {
  readonly #root: string;
  /** the extraction directory, resolved, as the container names it */
  readonly #dest: string;
  readonly #opts: ExtractOptions;
  readonly #isRoot = process.getuid?.() === 0;
  readonly #dirMeta = new Map<string, DirMeta>();
  readonly #xattrs = new Map<string, Map<string, Buffer>>();

  constructor(root: string, destContainerPath: string, opts: ExtractOptions) {
    this.#root = root;
    this.#dest = destContainerPath;
    this.#opts = opts;
  }

  #refuse(e: TarEntry, why: string): BerthError {
    return invalidArgument(`archive entry ${JSON.stringify(e.name)}`, why);
  }

  async apply(e: TarEntry): Promise<void> {
    const clean = cleanEntryPath(e.name);
    if (!clean.ok) throw this.#refuse(e, `is outside of ${this.#dest} (${clean.reason})`);
    const parts = clean.parts;
    // "./": the extraction directory itself is left as it is, as dockerd does.
    if (parts.length === 0) return;
    const parentRel = parts.slice(0, -1);
    const hostPath = path.join(this.#ensureParent(parentRel, e), parts.at(-1) as string);
    const shown = path.posix.join(this.#dest, ...parts);

    if (e.type === 'symlink' && !path.isAbsolute(e.linkname) && !cleanEntryPath([...parentRel, e.linkname].join('/')).ok) {
      throw this.#refuse(e, `invalid symlink ${JSON.stringify(shown)} -> ${JSON.stringify(e.linkname)}`);
    }
    const linkTarget = e.type === 'hardlink' ? this.#hardlinkTarget(e) : undefined;

    const existing = lstatOrUndefined(hostPath);
    if (existing !== undefined && this.#opts.noOverwriteDirNonDir === true) {
      if (existing.isDirectory() && e.type !== 'dir') {
        throw conflict(`archive entry ${JSON.stringify(e.name)}`, `cannot overwrite directory ${JSON.stringify(shown)} with non-directory`);
      }
      if (!existing.isDirectory() && e.type === 'dir') {
        throw conflict(`archive entry ${JSON.stringify(e.name)}`, `cannot overwrite non-directory ${JSON.stringify(shown)} with directory`);
      }
    }
    const merge = existing?.isDirectory() === true && e.type === 'dir';
    if (existing !== undefined && !merge) this.#remove(hostPath);

    const [uid, gid] = this.#ownerOf(e);
    const atime = Math.max(e.atime ?? e.mtime, e.mtime);
    switch (e.type) {
      case 'dir':
        if (!merge) mkdirSync(hostPath, { mode: 0o700 });
        this.#chown(hostPath, uid, gid);
        this.#dirMeta.set(hostPath, { mode: e.mode, atime, mtime: e.mtime });
        break;
      case 'file':
        await this.#writeFile(hostPath, e, uid, gid, atime);
        break;
      case 'symlink':
        symlinkSync(e.linkname, hostPath);
        this.#chown(hostPath, uid, gid);
        lutimesSync(hostPath, atime, e.mtime);
        break;
      case 'hardlink':
        // The inode, its owner and mode are the target's.
        linkSync(linkTarget as string, hostPath);
        return;
      case 'char':
      case 'block':
      case 'fifo':
        if (e.type !== 'fifo' && !this.#isRoot) {
          this.#opts.onWarning?.(`skipped device node ${JSON.stringify(shown)}: creating devices needs root`);
          return;
        }
        await mknod(hostPath, e.type, e.devmajor, e.devminor, e.mode);
        this.#chown(hostPath, uid, gid);
        chmodSync(hostPath, e.mode); // after chown, which clears setuid/setgid
        utimesSync(hostPath, atime, e.mtime);
        break;
    }
    this.#collectXattrs(hostPath, e);
  }

  /** Owners are set only by root: anyone else could not give a file away anyway. */
  #chown(hostPath: string, uid: number, gid: number): void {
    if (this.#isRoot) lchownSync(hostPath, uid, gid);
  }

  /** Removes what is in the way, and what was noted about it and below it. */
  #remove(hostPath: string): void {
    rmSync(hostPath, { recursive: true, force: true });
    const below = `${hostPath}/`;
    for (const map of [this.#dirMeta, this.#xattrs] as const) {
      for (const key of map.keys()) if (key === hostPath || key.startsWith(below)) map.delete(key);
    }
  }

  /**
   * The host path of the entry's parent directory, resolved in the
   * container's scope; missing directories are created, as dockerd does.
   */
  #ensureParent(parentRel: readonly string[], e: TarEntry): string {
    const resolved = resolveInRoot(this.#root, path.posix.join(this.#dest, ...parentRel), true);
    let current = this.#root;
    for (const part of resolved.parts) {
      current = path.join(current, part);
      const st = lstatOrUndefined(current);
      if (st === undefined) {
        mkdirSync(current, { mode: 0o755 });
        chmodSync(current, 0o755); // whatever the umask
      } else if (st.isSymbolicLink()) {
        // Resolved a moment ago as not a link: the container swapped it meanwhile.
        throw this.#refuse(e, `its parent ${JSON.stringify(resolved.containerPath)} changed while extracting`);
      } else if (!st.isDirectory()) {
        throw this.#refuse(e, `its parent ${JSON.stringify(resolved.containerPath)} is not a directory`);
      }
    }
    return current;
  }

  /** A hard link's target: inside the extraction directory, existing, not a directory. */
  #hardlinkTarget(e: TarEntry): string {
    const clean = cleanEntryPath(e.linkname);
    if (!clean.ok || clean.parts.length === 0) {
      throw this.#refuse(e, `invalid hardlink ${JSON.stringify(e.name)} -> ${JSON.stringify(e.linkname)}`);
    }
    const target = resolveInRoot(this.#root, path.posix.join(this.#dest, ...clean.parts), false).hostPath;
    const st = lstatOrUndefined(target);
    if (st === undefined) throw this.#refuse(e, `hardlink target ${JSON.stringify(e.linkname)} does not exist`);
    if (st.isDirectory()) throw this.#refuse(e, `hardlink target ${JSON.stringify(e.linkname)} is a directory`);
    return target;
  }

  #ownerOf(e: TarEntry): [number, number] {
    if (this.#opts.copyUIDGID !== true) return [this.#opts.owner?.uid ?? 0, this.#opts.owner?.gid ?? 0];
    if (e.uid > 0xfffffffe || e.gid > 0xfffffffe) throw this.#refuse(e, `uid ${e.uid} or gid ${e.gid} out of range`);
    return [e.uid, e.gid];
  }

  async #writeFile(hostPath: string, e: TarEntry, uid: number, gid: number, atime: number): Promise<void> {
    const fd = openSync(hostPath, FILE_FLAGS, 0o600);
    try {
      for await (const chunk of e.body) {
        const buf = chunk as Buffer;
        for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
      }
      if (this.#isRoot) fchownSync(fd, uid, gid);
      fchmodSync(fd, e.mode); // after chown, which clears setuid/setgid
      futimesSync(fd, atime, e.mtime);
    } finally {
      closeSync(fd);
    }
  }

  #collectXattrs(hostPath: string, e: TarEntry): void {
    for (const [name, value] of e.xattrs) {
      // Overlay's own metadata is the storage's business, never an upload's.
      if (name.startsWith('trusted.overlay.')) continue;
      if (e.type === 'symlink' && name.startsWith('user.')) continue; // the kernel allows user.* only on files and directories
      const attrs = this.#xattrs.get(hostPath) ?? new Map<string, Buffer>();
      attrs.set(name, value);
      this.#xattrs.set(hostPath, attrs);
    }
  }

  /** Extended attributes (after every chown, which clears security.capability), then directory modes and times. */
  async finish(): Promise<void> {
    for (const f of await setXattrs(this.#xattrs)) {
      // As dockerd: a file system without xattrs (or a refusal) is not a reason to fail the copy.
      if (f.code === 'ENOTSUP' || f.code === 'EPERM') {
        this.#opts.onWarning?.(`extended attributes of ${JSON.stringify(f.path)} not set: ${f.message}`);
        continue;
      }
      throw internal('extracting an archive', `cannot set the extended attributes of ${JSON.stringify(f.path)}: ${f.message}`);
    }
    for (const [hostPath, meta] of this.#dirMeta) {
      chmodSync(hostPath, meta.mode);
      utimesSync(hostPath, meta.atime, meta.mtime);
    }
  }
}
