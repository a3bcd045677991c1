/**
 * `GET /containers/{id}/archive?path=`: a tar of a container path, with
 * its stat for the X-Docker-Container-Path-Stat header. Entry names follow
 * dockerd:
 *
 *   /etc/hostname   → "hostname"
 *   /etc            → "etc/", "etc/hostname", …
 *   /etc/.          → "./", "./hostname", …   (the content)
 *   /               → "/", "/bin/", …
 *   /link           → "link", a symlink entry
 *   /link/          → "link/", "link/…"      (the directory it points to)
 *
 * The tar streams as it is read; an error after the first bytes (a disk
 * failing) destroys the stream, since the status line is already sent.
 */
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';

import { TarWriter } from '../../../image/archive/tar-writer.js';
import { goBase } from './container-path.js';
import { locate, pathStatOf, type PathOptions, type PathStat } from './path-stat.js';
import { TreeArchiver } from './tree-archiver.js';

export async function archivePath(
  root: string,
  containerPath: string,
  options: PathOptions = {},
): Promise<{ stat: PathStat; stream: Readable }> {
  const r = path.resolve(root);
  const loc = locate(r, containerPath, options);
  const stat = pathStatOf(r, loc);
  const stream = new PassThrough();
  const tar = new TarWriter(stream);
  const write = async (): Promise<void> => {
    await new TreeArchiver(tar).add(loc.hostPath, goBase(loc.abs), loc.stats);
    await tar.finish();
    stream.end();
  };
  write().catch((e: unknown) => stream.destroy(e instanceof Error ? e : new Error(String(e))));
  return { stat, stream };
}
