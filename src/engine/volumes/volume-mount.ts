/**
 * Mounting the file system of a volume created with `type`/`device`
 * options onto its `_data` directory, through mount(8) and umount(8):
 * Node has no mount(2), and mount(8) parses the option string (flags such
 * as "bind" or "ro" and file-system data such as "size=64m") exactly as
 * users expect from `mount -o`.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

import { failedPrecondition, internal } from '../../errors.js';
import type { VolumeMountSpec } from './local-options.js';

/** /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo. */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Whether something is mounted exactly at `target` (an absolute, resolved path). */
export async function isMountPoint(target: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((line) => {
    const mountPoint = line.split(' ')[4];
    return mountPoint !== undefined && unescape(mountPoint) === target;
  });
}

function run(program: string, args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (err === null) {
        resolve();
        return;
      }
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && stderr === '') {
        reject(failedPrecondition(`program "${program}"`, 'not installed (Debian package util-linux)'));
        return;
      }
      reject(internal(what, (stderr.trim() || err.message).replace(/password=[^,\s]*/g, 'password=********')));
    });
  });
}

export function mountVolume(spec: VolumeMountSpec, target: string): Promise<void> {
  const args = ['-t', spec.type];
  if (spec.options !== '') args.push('-o', spec.options);
  args.push('--', spec.device, target);
  return run('mount', args, 'failed to mount local volume');
}

export function unmountVolume(target: string): Promise<void> {
  return run('umount', ['--', target], 'failed to unmount local volume');
}
