/**
 * Unpacks a tar stream from a container under a host directory, as docker's
 * `cp` does: the archive's first path component renamed when the copy
 * takes another name (`rebase`), nothing written outside `dir` (no "..",
 * no absolute names, no writing through a symlink), an existing directory
 * never replaced by a file nor a file by a directory, ownership left to
 * the user running the command, modes and times kept.
 */
import { createWriteStream } from 'node:fs';
import { chmod, link, lstat, mkdir, rm, symlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

import { readTar } from './tar-read.js';

export interface Rebase {
  from: string;
  to: string;
}

/** "from/rest" → "to/rest"; other names unchanged. */
export function rebaseName(name: string, r: Rebase | undefined): string {
  if (!r) return name;
  // An archive of "dir/." holds "." and "./x": all of it goes under the new name.
  if (r.from === '.') return name === '.' || name === './' ? `${r.to}/` : `${r.to}/${name.replace(/^\.\//, '')}`;
  const clean = name.replace(/^\.\//, '');
  if (clean === r.from || clean === `${r.from}/`) return r.to + (clean.endsWith('/') ? '/' : '');
  if (clean.startsWith(`${r.from}/`)) return `${r.to}/${clean.slice(r.from.length + 1)}`;
  return name;
}

/** The host path for an entry, or undefined when it would land outside `dir`. */
export function safeTarget(dir: string, name: string): string | undefined {
  const rel = path.normalize(name.replace(/^\/+/, ''));
  if (rel === '.' || rel === '') return dir;
  if (rel.startsWith('..')) return undefined;
  return path.join(dir, rel);
}

async function existing(p: string) {
  return lstat(p).catch(() => undefined);
}

/** No parent of `target` below `dir` may be a symlink: following one could write anywhere. */
async function parentsAreDirs(dir: string, target: string): Promise<boolean> {
  for (let p = path.dirname(target); p.length > dir.length && p.startsWith(dir); p = path.dirname(p)) {
    const st = await existing(p);
    if (st && !st.isDirectory()) return false;
  }
  return true;
}

export async function extractTar(source: AsyncIterable<Buffer>, dir: string, rebase?: Rebase): Promise<void> {
  const dirTimes: [string, number][] = [];
  for await (const { entry, body } of readTar(source)) {
    const target = safeTarget(dir, rebaseName(entry.name, rebase));
    if (!target || !(await parentsAreDirs(dir, target))) throw new Error(`invalid path in archive: ${JSON.stringify(entry.name)}`);
    const before = await existing(target);
    if (before?.isDirectory() && entry.type !== 'dir') throw new Error(`cannot overwrite directory ${JSON.stringify(target)} with non-directory ${JSON.stringify(entry.name)}`);
    if (before && !before.isDirectory() && entry.type === 'dir') throw new Error(`cannot overwrite non-directory ${JSON.stringify(target)} with directory ${JSON.stringify(entry.name)}`);
    await mkdir(path.dirname(target), { recursive: true });
    switch (entry.type) {
      case 'dir':
        await mkdir(target, { recursive: true });
        await chmod(target, entry.mode & 0o7777);
        dirTimes.push([target, entry.mtime]); // set last: writing into a directory changes its mtime
        continue;
      case 'file':
        if (before) await rm(target, { force: true });
        await pipeline(body, createWriteStream(target, { mode: entry.mode & 0o7777 }));
        await chmod(target, entry.mode & 0o7777);
        break;
      case 'symlink':
        if (before) await rm(target, { force: true });
        await symlink(entry.linkname, target);
        continue; // times of a link are its target's business
      case 'hardlink': {
        const to = safeTarget(dir, rebaseName(entry.linkname, rebase));
        if (!to) throw new Error(`invalid hard link in archive: ${JSON.stringify(entry.linkname)}`);
        if (before) await rm(target, { force: true });
        await link(to, target);
        continue;
      }
      default:
        continue; // devices and fifos are not made on the host
    }
    await utimes(target, entry.mtime, entry.mtime);
  }
  for (const [d, t] of dirTimes.reverse()) await utimes(d, t, t);
}
