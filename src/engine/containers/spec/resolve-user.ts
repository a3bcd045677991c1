/**
 * The process's uid, gid and groups for `--user` and `--group-add`, read
 * from the container's own /etc/passwd and /etc/group as dockerd does
 * (moby's getUser). The rootfs is untrusted: a symlinked /etc/passwd is
 * followed inside the rootfs, never out of it, and only a regular file of
 * sane size is read (a FIFO would block the daemon, /dev/zero would never end).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

import { errnoCode, invalidArgument } from '../../../errors.js';
import { secureJoin } from '../../../runtime/plan/secure-join.js';
import { additionalGroups, execUser, parseGroup, parsePasswd } from './passwd.js';
import type { ResolvedUser } from './spec-input.js';

/** Larger than any real passwd or group file. */
const MAX_SIZE = 16 * 1024 * 1024;

/** The file's text, or undefined when the rootfs has no such file. */
export async function readRootfsFile(rootfs: string, file: string): Promise<string | undefined> {
  const hostPath = secureJoin(rootfs, file);
  let handle;
  try {
    // secureJoin resolved every link; O_NOFOLLOW refuses one swapped in since.
    handle = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return undefined;
    if (errnoCode(e) === 'ELOOP') throw invalidArgument(file, 'is a symbolic link that changed while it was read');
    throw e;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw invalidArgument(file, 'is not a regular file');
    if (st.size > MAX_SIZE) throw invalidArgument(file, `is too large (${st.size} bytes)`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

export async function resolveUser(rootfs: string, user: string, groupAdd: readonly string[] = []): Promise<ResolvedUser> {
  const passwd = await readRootfsFile(rootfs, '/etc/passwd');
  const group = await readRootfsFile(rootfs, '/etc/group');
  const groups = group === undefined ? undefined : parseGroup(group);
  const u = execUser(user, passwd === undefined ? undefined : parsePasswd(passwd), groups);
  const added = groupAdd.length > 0 ? additionalGroups(groupAdd, groups) : [];
  return { uid: u.uid, gid: u.gid, additionalGids: [u.gid, ...u.sgids, ...added] };
}
