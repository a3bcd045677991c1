/**
 * Cgroup directories the engines create at the top of each hierarchy and
 * leave when they stop: berthd its --cgroup-parent, podman (cgroupfs
 * manager) libpod_parent with conmon's cgroup in it, dockerd "docker".
 * host-state.ts watches only "docker"; this removes the others, and only
 * those that did not exist before the benchmark and are empty (rmdir
 * refuses a cgroup with processes in it, so nobody's live cgroup can go).
 */
import { readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

function hierarchies(): string[] {
  return readdirSync(ROOT)
    .map((n) => join(ROOT, n))
    .filter((p) => statSync(p).isDirectory());
}

/** The directories `names` that exist now, in any hierarchy. */
export function existingCgroups(names: string[]): Set<string> {
  const out = new Set<string>();
  for (const h of hierarchies()) {
    for (const n of names) {
      try {
        if (statSync(join(h, n)).isDirectory()) out.add(join(h, n));
      } catch {
        // not there
      }
    }
  }
  return out;
}

/** rmdir, children first. */
function removeTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeTree(join(dir, e.name));
  rmdirSync(dir);
}

/**
 * Removes each of `names` that did not exist in `before`. Returns what it
 * removed, and what it could not remove as problems.
 */
export function removeNewCgroups(before: Set<string>, names: string[]): { removed: string[]; problems: string[] } {
  const removed: string[] = [];
  const problems: string[] = [];
  for (const dir of existingCgroups(names)) {
    if (before.has(dir)) continue;
    try {
      removeTree(dir);
      removed.push(dir);
    } catch (e) {
      problems.push(`cgroup ${dir}: ${(e as Error).message}`);
    }
  }
  return { removed, problems };
}
