import { invalidArgument } from '../../errors.js';

/**
 * A cgroup path as berth stores it: relative to the hierarchy roots, without
 * leading or trailing slashes ("berth/abc"). "/berth/abc" means the same thing.
 * Rejects the root itself and any "." or ".." segment, so that a spec can never
 * point create() or destroy() outside the hierarchy or at its root.
 */
export function normalizeCgroupPath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 0) {
    throw invalidArgument(`cgroup ${JSON.stringify(path)}`, 'path must name a cgroup below the root');
  }
  for (const p of parts) {
    if (p === '.' || p === '..') {
      throw invalidArgument(`cgroup ${JSON.stringify(path)}`, `path must not contain "${p}"`);
    }
    if (p.includes('\0') || p.includes('\n')) {
      throw invalidArgument(`cgroup ${JSON.stringify(path)}`, 'path must not contain NUL or newline');
    }
  }
  return parts.join('/');
}

/** The error context every cgroup error carries: `cgroup "berth/abc"`. */
export function cgroupContext(path: string): string {
  return `cgroup ${JSON.stringify(path)}`;
}
