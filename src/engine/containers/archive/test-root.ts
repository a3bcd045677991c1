/**
 * Test helper: a small directory tree standing for a container's root,
 * inside a temporary directory whose other content stands for "the host"
 * (so a test can check nothing leaked out of the root), and a walk of a
 * tree into comparable records. Not used by berth itself.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, lutimesSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestHost {
  /** the temporary directory: "the host" */
  dir: string;
  /** dir/root: the container's root */
  root: string;
}

export async function withTestHost(fn: (h: TestHost) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-cp-'));
  try {
    const root = path.join(dir, 'root');
    mkdirSync(root);
    writeFileSync(path.join(dir, 'host-secret'), 'host\n');
    await fn({ dir, root });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const T = 1_600_000_000;

/**
 * root/
 *   etc/hostname                     "box\n", 0644
 *   data/                            0750, 1000:1000
 *     a.txt                          "alpha\n", 0640, 1000:1001
 *     hard                           hard link to a.txt
 *     link-rel -> a.txt
 *     sub/b.sh                       "#!/bin/sh\n", 04755
 *     pipe                           fifo
 *   link-abs -> /etc
 *   escape -> ../../..
 *   rootlink -> /
 */
export function buildContainerRoot(root: string): void {
  mkdirSync(path.join(root, 'etc'));
  writeFileSync(path.join(root, 'etc', 'hostname'), 'box\n', { mode: 0o644 });
  const data = path.join(root, 'data');
  mkdirSync(path.join(data, 'sub'), { recursive: true });
  writeFileSync(path.join(data, 'a.txt'), 'alpha\n');
  chownSync(path.join(data, 'a.txt'), 1000, 1001);
  chmodSync(path.join(data, 'a.txt'), 0o640);
  linkSync(path.join(data, 'a.txt'), path.join(data, 'hard'));
  symlinkSync('a.txt', path.join(data, 'link-rel'));
  writeFileSync(path.join(data, 'sub', 'b.sh'), '#!/bin/sh\n');
  chmodSync(path.join(data, 'sub', 'b.sh'), 0o4755);
  execFileSync('mkfifo', ['-m', '0600', path.join(data, 'pipe')]);
  symlinkSync('/etc', path.join(root, 'link-abs'));
  symlinkSync('../../..', path.join(root, 'escape'));
  symlinkSync('/', path.join(root, 'rootlink'));
  for (const p of ['etc/hostname', 'data/a.txt', 'data/link-rel', 'data/sub/b.sh', 'data/pipe', 'data/sub', 'etc', 'data']) {
    lutimesSync(path.join(root, p), T, T + 1);
  }
  chownSync(data, 1000, 1000);
  chmodSync(data, 0o750);
}

export interface TreeRecord {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  content?: string;
  link?: string;
  /** the first path (in walk order) sharing this one's inode, for hard links */
  sameAs?: string;
}

/** Every path below `dir` (not `dir` itself) with what a copy must preserve. */
export function walkTree(dir: string): Record<string, TreeRecord> {
  const out: Record<string, TreeRecord> = {};
  const inodes = new Map<number, string>();
  const visit = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const p = path.join(dir, r);
      const st = lstatSync(p);
      const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : 'file';
      const rec: TreeRecord = { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
      if (type === 'file') rec.content = readFileSync(p, 'utf8');
      if (type === 'symlink') rec.link = readlinkSync(p);
      if (type === 'file' && st.nlink > 1) {
        const first = inodes.get(st.ino);
        if (first === undefined) inodes.set(st.ino, r);
        else rec.sameAs = first;
      }
      out[r] = rec;
      if (type === 'dir') visit(r);
    }
  };
  visit('');
  return out;
}
