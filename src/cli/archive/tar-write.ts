/**
 * A tar stream of a host path, for `cp` into a container: the path itself
 * named `rootName` in the archive (or, with rootName "", only what a
 * directory holds), directories walked depth first, symlinks kept as
 * links. `follow` copies what a symlinked root points to instead.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';

import { BLOCK, encodeHeader, padding, type TarEntry } from './tar-header.js';

export async function* writeTar(source: string, rootName: string, follow = false): AsyncGenerator<Buffer> {
  yield* walk(source, rootName, follow);
  yield Buffer.alloc(BLOCK * 2);
}

async function* walk(file: string, name: string, follow: boolean): AsyncGenerator<Buffer> {
  const st = follow ? await stat(file) : await lstat(file);
  const base: Omit<TarEntry, 'type' | 'size' | 'linkname'> = { name, mode: st.mode, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
  if (st.isDirectory()) {
    if (name !== '') yield encodeHeader({ ...base, name: `${name}/`, type: 'dir', size: 0, linkname: '' });
    for (const child of (await readdir(file)).sort()) yield* walk(path.join(file, child), name === '' ? child : `${name}/${child}`, false);
  } else if (st.isSymbolicLink()) {
    yield encodeHeader({ ...base, type: 'symlink', size: 0, linkname: await readlink(file) });
  } else if (st.isFile()) {
    yield encodeHeader({ ...base, type: 'file', size: st.size, linkname: '' });
    let written = 0;
    if (st.size > 0) {
      for await (const chunk of createReadStream(file, { end: st.size - 1, highWaterMark: 1 << 20 })) {
        written += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    // A file that shrank while being read still gets the size its header promised.
    if (written < st.size) yield Buffer.alloc(st.size - written);
    yield Buffer.alloc(padding(st.size));
  }
  // sockets, fifos and devices are left out, as docker's archive does for sockets
}
