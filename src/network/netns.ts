/**
 * Network namespaces that live in files, so the engine can create and wire a
 * namespace before the container exists and the container's OCI spec can
 * join it by path (linux.namespaces: {type: "network", path}).
 *
 * A namespace lives as long as a process is in it or something holds it; a
 * bind mount of /proc/<pid>/ns/net onto a file is such a hold. unshare(1)
 * does exactly that (`--net=FILE`) and then runs a program inside, which we
 * use to bring loopback up in the same spawn.
 */
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

import { alreadyExists, errnoCode } from '../errors.js';
import { isGone, runCommand, type CommandRunner } from './exec.js';

export async function createNetns(path: string, run: CommandRunner = runCommand): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  // The mount point must exist as a file; 'wx' also refuses to reuse one.
  try {
    await (await open(path, 'wx', 0o444)).close();
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') throw alreadyExists(`network namespace "${path}"`);
    throw e;
  }
  try {
    await run({ program: 'unshare', args: [`--net=${path}`, 'ip', 'link', 'set', 'lo', 'up'] });
  } catch (e) {
    await removeNetns(path, run).catch(() => undefined);
    throw e;
  }
}

/**
 * Unmounts and deletes the file. The namespace itself goes when its last
 * process exits; its devices (the container end of a veth) are destroyed
 * with it, asynchronously, in the kernel's cleanup_net worker.
 *
 * Lazy unmount (MNT_DETACH), as `ip netns delete` does: a process that still
 * has the file open must not make the removal fail.
 */
export async function removeNetns(path: string, run: CommandRunner = runCommand): Promise<void> {
  try {
    await run({ program: 'umount', args: ['--lazy', path] });
  } catch (e) {
    if (!isGone(e)) throw e;
  }
  await rm(path, { force: true });
}
