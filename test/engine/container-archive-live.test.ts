/**
 * `docker cp` functions against a live process's root, /proc/<pid>/root, as
 * the daemon uses them for a running container: a process chrooted into a
 * busybox tree in its own mount namespace, with a tmpfs at /vol and procfs
 * at /proc that only it sees. Root only; the process (and with it the
 * namespace and its mounts) is killed and the tree removed afterwards.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';

import { archivePath, extractArchive, statPath } from '../../src/engine/containers/archive/index.js';
import { readTar } from '../../src/image/unpack/tar-reader.js';
import { tarBuffer } from '../../src/image/unpack/test-tar.js';

const BUSYBOX = '/usr/bin/busybox';

interface Live {
  rootfs: string;
  /** /proc/<pid>/root of the chrooted process */
  root: string;
}

async function withLiveContainer(fn: (c: Live) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-cp-live-'));
  const rootfs = path.join(dir, 'rootfs');
  let child: ChildProcess | undefined;
  try {
    for (const d of ['bin', 'etc', 'proc', 'vol']) mkdirSync(path.join(rootfs, d), { recursive: true });
    copyFileSync(BUSYBOX, path.join(rootfs, 'bin', 'busybox'));
    chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
    writeFileSync(path.join(rootfs, 'etc', 'marker'), 'container\n');
    symlinkSync('/etc', path.join(rootfs, 'abs'));
    const script = 'B=/bin/busybox; $B mount -t proc proc /proc && $B mount -t tmpfs tmpfs /vol && echo inside > /vol/f && echo ready && exec $B sleep 60';
    child = spawn('unshare', ['--mount', '--fork', '--kill-child', '--propagation', 'private', 'chroot', rootfs, '/bin/busybox', 'sh', '-c', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child?.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
      child?.once('exit', (code) => reject(new Error(`the container process exited (${code})`)));
    });
    const unsharePid = child.pid as number;
    const pid = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim();
    await fn({ rootfs, root: `/proc/${pid}/root` });
  } finally {
    child?.kill('SIGKILL');
    if (child !== undefined && child.exitCode === null) await new Promise((r) => child?.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  }
}

const needsRoot = (t: TestContext): boolean => {
  if (process.getuid?.() === 0) return false;
  t.skip('needs root (namespaces, chroot, mounts)');
  return true;
};

async function names(stream: Readable): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readTar(stream)) out.push(e.name);
  return out;
}

test('through /proc/<pid>/root: the container’s mounts are seen, its absolute links stay inside', async (t) => {
  if (needsRoot(t)) return;
  await withLiveContainer(async ({ rootfs, root }) => {
    // /vol/f lives on a tmpfs only the container's mount namespace has.
    assert.deepEqual(readdirSync(path.join(rootfs, 'vol')), []);
    assert.equal((await statPath(root, '/vol/f')).size, 'inside\n'.length);

    // "/abs" -> "/etc" means the container's /etc, never the host's.
    assert.equal((await statPath(root, '/abs')).linkTarget, '/etc');
    assert.deepEqual(await names((await archivePath(root, '/abs/')).stream), ['abs/', 'abs/marker']);

    // The whole root: /proc is there as a directory, not the kernel's live content.
    const all = await names((await archivePath(root, '/')).stream);
    assert.ok(all.includes('/proc/') && all.includes('/vol/f') && all.includes('/etc/marker'), all.join(' '));
    assert.ok(!all.some((n) => n.startsWith('/proc/') && n !== '/proc/'), all.filter((n) => n.startsWith('/proc/')).join(' '));
  });
});

test('through /proc/<pid>/root: an upload lands in the container’s tmpfs, not in the rootfs below it', async (t) => {
  if (needsRoot(t)) return;
  await withLiveContainer(async ({ rootfs, root }) => {
    async function* body(): AsyncGenerator<Uint8Array> {
      yield tarBuffer([{ name: 'up.txt', data: 'uploaded' }]);
    }
    await extractArchive(root, '/abs/../vol', body());
    assert.equal(readFileSync(path.join(root, 'vol', 'up.txt'), 'utf8'), 'uploaded');
    assert.deepEqual(readdirSync(path.join(rootfs, 'vol')), []);
  });
});
