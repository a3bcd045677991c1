/**
 * Copying what an image has at a mount point into an empty volume, as
 * Docker does the first time a container mounts a new volume there: the
 * directory's content with owners, modes, times, symlinks (as symlinks),
 * hard links and extended attributes, and the directory's own owner and
 * mode onto the volume's root.
 *
 * `cp -a` does exactly this (GNU coreutils: -a is -dR --preserve=all,
 * which also keeps security.capability and ACLs, and only warns where a
 * file system cannot hold an attribute); reimplementing it file by file in
 * Node would need a helper per xattr anyway.
 */
import { execFile } from 'node:child_process';
import { lstat, readdir } from 'node:fs/promises';

import { errnoCode, failedPrecondition, internal } from '../../errors.js';

/**
 * Copies the content of `source` (a host path inside a rootfs, already
 * resolved in the rootfs' scope) into `target`. Does nothing and returns
 * false when `source` is not a directory (the image has nothing there; a
 * symlink is not followed) or `target` is not empty.
 */
export async function copyImageContent(source: string, target: string): Promise<boolean> {
  const st = await lstat(source).catch((e: unknown) => {
    if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return undefined;
    throw e;
  });
  if (st === undefined || !st.isDirectory()) return false;
  if ((await readdir(target)).length > 0) return false;
  // "source/." copies the content and the directory's own metadata onto target.
  await new Promise<void>((resolve, reject) => {
    execFile('cp', ['-a', '--', `${source}/.`, target], { encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (err === null) resolve();
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT' && stderr === '') {
        reject(failedPrecondition('program "cp"', 'not installed (Debian package coreutils)'));
      } else reject(internal(`copying ${source} into the volume`, stderr.trim() || err.message));
    });
  });
  return true;
}
