/**
 * Writes a file or a directory tree to a tar as dockerd's archive package
 * does for `docker cp`: directories before their content, names in byte
 * order, symlinks as symlinks (never followed), a second name of a
 * hard-linked file as a hard link to the first, devices and fifos as such,
 * sockets left out (tar cannot hold them), times in whole seconds, and
 * numeric owners only (host user names mean nothing in a container).
 *
 * Extended attributes are not archived (dockerd keeps only
 * security.capability, which would need a helper program per file).
 *
 * Why synchronous lstat/readdir: a tree is many small calls, each a libuv
 * thread-pool round trip when asynchronous (see image/unpack/apply-layer.ts
 * for the measurement); the event loop still runs while file data streams.
 */
import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import path from 'node:path';

import { errnoCode } from '../../../errors.js';
import type { TarHeaderInput, TarWriter } from '../../../image/archive/tar-writer.js';
import { exactly, openRegular } from './file-body.js';
import { isPseudoFs } from './pseudo-fs.js';

const SECOND = 1_000_000_000n;

/** Gone since we listed it (the container deleted it): skipped, as dockerd does. */
const vanished = (e: unknown): boolean => {
  const code = errnoCode(e);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP';
};

function floorSeconds(ns: bigint): number {
  const s = ns / SECOND;
  return Number(ns < 0n && ns % SECOND !== 0n ? s - 1n : s);
}

/** Linux's dev_t encoding (glibc's gnu_dev_major/minor). */
const major = (rdev: bigint): number => Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
const minor = (rdev: bigint): number => Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));

function baseHeader(name: string, st: BigIntStats): TarHeaderInput {
  return {
    name,
    mode: Number(st.mode) & 0o7777,
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtime: floorSeconds(st.mtimeNs),
  };
}

export class TreeArchiver {
  readonly #tar: TarWriter;
  /** dev:ino of multiply-linked files → the entry name they were first written under */
  readonly #links = new Map<string, string>();

  constructor(tar: TarWriter) {
    this.#tar = tar;
  }

  /**
   * Writes `hostPath` (whose lstat is `st`) as `name`, and a directory's
   * content below it. `parentDev` is the device of the parent directory,
   * to notice mount points; undefined for the top.
   */
  async add(hostPath: string, name: string, st: BigIntStats, parentDev?: bigint): Promise<void> {
    if (st.isDirectory()) {
      await this.#tar.add({ ...baseHeader(name, st), type: 'dir' });
      if ((parentDev === undefined || st.dev !== parentDev) && isPseudoFs(hostPath)) return;
      let names: string[];
      try {
        names = readdirSync(hostPath).sort(byBytes);
      } catch (e) {
        if (vanished(e)) return;
        throw e;
      }
      for (const child of names) {
        const childPath = path.join(hostPath, child);
        let childSt: BigIntStats;
        try {
          childSt = lstatSync(childPath, { bigint: true });
        } catch (e) {
          if (vanished(e)) continue;
          throw e;
        }
        await this.add(childPath, name === '/' ? `/${child}` : `${name}/${child}`, childSt, st.dev);
      }
      return;
    }
    try {
      await this.#addNonDir(hostPath, name, st);
    } catch (e) {
      if (!vanished(e)) throw e;
    }
  }

  async #addNonDir(hostPath: string, name: string, st: BigIntStats): Promise<void> {
    const header = baseHeader(name, st);
    if (st.isSymbolicLink()) {
      await this.#tar.add({ ...header, type: 'symlink', linkname: readlinkSync(hostPath) });
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      const type = st.isCharacterDevice() ? 'char' : 'block';
      await this.#tar.add({ ...header, type, devmajor: major(st.rdev), devminor: minor(st.rdev) });
    } else if (st.isFIFO()) {
      await this.#tar.add({ ...header, type: 'fifo' });
    } else if (st.isFile()) {
      await this.#addFile(hostPath, name, st);
    }
    // Sockets: not representable in a tar, skipped as Go's archive/tar makes dockerd do.
  }

  async #addFile(hostPath: string, name: string, lst: BigIntStats): Promise<void> {
    const fh = await openRegular(hostPath);
    try {
      // What was opened, not what lstat saw a moment ago, decides the header.
      const st = await fh.stat({ bigint: true });
      if (!st.isFile() || st.ino !== lst.ino || st.dev !== lst.dev) return;
      if (st.nlink > 1n) {
        const key = `${st.dev}:${st.ino}`;
        const first = this.#links.get(key);
        if (first !== undefined) {
          await this.#tar.add({ ...baseHeader(name, st), type: 'hardlink', linkname: first });
          return;
        }
        this.#links.set(key, name);
      }
      const size = Number(st.size);
      await this.#tar.add({ ...baseHeader(name, st), type: 'file', size }, exactly(fh, size));
    } finally {
      await fh.close();
    }
  }
}

/** Go sorts names as byte strings; JavaScript's default sort compares UTF-16 units. */
function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
