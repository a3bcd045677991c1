/**
 * Mounting a snapshot's `Mount[]` on the host with mount(8) and removing it
 * with umount(8) (util-linux): Node has no mount(2). Used by tests and by
 * the engine where a tree is needed on the host (image builds, `cp`).
 *
 * The kernel copies mount options into one page (4096 bytes, including the
 * NUL). An overlay of many layers can exceed it with absolute lowerdirs; the
 * paths are then made relative to their common directory and mount(8) runs
 * there (overlay resolves them against the caller's cwd, as containerd's
 * helper does). If even that does not fit, the mount is refused plainly.
 */
import { execFile } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';

import { errnoCode, failedPrecondition, internal, invalidArgument } from '../errors.js';
import type { Mount } from './mount.js';

const OPTIONS_MAX = 4095;
const PATH_OPTIONS = ['lowerdir', 'upperdir', 'workdir'];

function run(program: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { encoding: 'utf8', ...(cwd !== undefined ? { cwd } : {}) }, (err, _stdout, stderr) => {
      if (err === null) {
        resolve();
        return;
      }
      if (errnoCode(err) === 'ENOENT' && stderr === '') {
        reject(failedPrecondition(`program "${program}"`, 'not installed (Debian package mount)'));
        return;
      }
      reject(internal(`${program} ${args.join(' ')}`, stderr.trim() || err.message));
    });
  });
}

function commonDir(paths: string[]): string {
  let common = path.dirname(paths[0] ?? '/');
  for (const p of paths) {
    while (common !== '/' && !p.startsWith(`${common}/`)) common = path.dirname(common);
  }
  return common;
}

/** The options string, and the cwd to run mount in when paths had to be shortened. */
function overlayOptions(m: Mount): { options: string; cwd?: string } {
  const options = m.options.join(',');
  if (options.length <= OPTIONS_MAX) return { options };
  const paths: string[] = [];
  for (const o of m.options) {
    const [k = '', v = ''] = o.split(/=(.*)/s);
    if (PATH_OPTIONS.includes(k)) paths.push(...v.split(':'));
  }
  const cwd = commonDir(paths);
  const rel = (p: string): string => path.relative(cwd, p);
  const short = m.options
    .map((o) => {
      const [k = '', v = ''] = o.split(/=(.*)/s);
      return PATH_OPTIONS.includes(k) ? `${k}=${v.split(':').map(rel).join(':')}` : o;
    })
    .join(',');
  if (short.length > OPTIONS_MAX) {
    const layers = m.options.find((o) => o.startsWith('lowerdir='))?.split(':').length ?? 0;
    throw invalidArgument(
      'overlay mount',
      `options are ${short.length} bytes even with relative paths, more than the kernel's ${OPTIONS_MAX} (${layers} lower layers)`,
    );
  }
  return { options: short, cwd };
}

/** Performs `mounts` in order on `target`; on failure undoes the ones done. */
export async function mountAll(mounts: readonly Mount[], target: string): Promise<void> {
  let done = 0;
  try {
    for (const m of mounts) {
      if (m.type === 'bind') {
        await run('mount', ['-o', m.options.join(','), '--', m.source, target]);
      } else {
        const { options, cwd } = m.type === 'overlay' ? overlayOptions(m) : { options: m.options.join(',') };
        await run('mount', ['-t', m.type, '-o', options, '--', m.source, target], cwd);
      }
      done++;
    }
  } catch (e) {
    for (; done > 0; done--) await run('umount', ['-R', '--', target]).catch(() => undefined);
    throw e;
  }
}

/** /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo. */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));

export async function isMountPoint(target: string): Promise<boolean> {
  let real: string;
  try {
    real = await realpath(target);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return false;
    throw e;
  }
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((line) => unescape(line.split(' ')[4] ?? '') === real);
}

/** Unmounts everything mounted on `target` (stacked mounts too, and what is below them); nothing if nothing is. */
export async function unmount(target: string): Promise<void> {
  for (let i = 0; i < 32 && (await isMountPoint(target)); i++) {
    await run('umount', ['-R', '--', target]);
  }
  if (await isMountPoint(target)) throw internal(`umount ${target}`, 'still mounted');
}
