import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { Command } from '../command.js';
import type { ApiClient } from '../client/api-client.js';
import { extractTar } from '../archive/extract.js';
import { writeTar } from '../archive/tar-write.js';
import type { CliContext } from '../context.js';
import { isDirMode, isSymlinkMode, planCopy, splitCpArg, splitPathDirEntry } from '../container/cp-paths.js';
import { ApiError } from '../errors.js';
import { bool } from '../flags.js';
import { humanSize } from '../output/units.js';

interface PathStat {
  name: string;
  size: number;
  mode: number;
  linkTarget: string;
}

/**
 * cp CONTAINER:SRC HOSTDEST | cp HOSTSRC CONTAINER:DEST, through GET/PUT
 * /containers/ID/archive with tar: docker's naming rules (cp-paths.ts), "-"
 * for a tar on stdin or stdout, -L to follow a symlinked source.
 */
export const cp: Command = {
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  summary: 'Copy files/folders between a container and the local filesystem',
  flags: [
    { name: 'archive', short: 'a', help: 'Archive mode (copy all uid/gid information)' },
    { name: 'follow-link', short: 'L', help: 'Always follow symbol link in SRC_PATH' },
    { name: 'quiet', short: 'q', help: 'Suppress progress output during copy' },
  ],
  args: { min: 2, max: 2 },
  async run(ctx, p) {
    const [srcCtr, srcPath] = splitCpArg(p.args[0] as string);
    const [dstCtr, dstPath] = splitCpArg(p.args[1] as string);
    if (srcCtr && dstCtr) throw new Error('copying between containers is not supported');
    if (!srcCtr && !dstCtr) throw new Error('must specify at least one container source');
    if ((srcCtr && !srcPath) || (dstCtr && !dstPath)) throw new Error('filepath can not be empty');
    const o = { follow: bool(p, 'follow-link'), archive: bool(p, 'archive'), quiet: bool(p, 'quiet') };
    const copied = srcCtr ? await fromContainer(ctx, srcCtr, srcPath, dstPath, o.follow) : await toContainer(ctx.api(), srcPath, dstCtr, dstPath, o, ctx.stdin);
    if (!o.quiet && dstPath !== '-') ctx.err(`Successfully copied ${humanSize(copied)} to ${dstCtr ? `${dstCtr}:${dstPath}` : dstPath}\n`);
    return 0;
  },
};

async function statPath(api: ApiClient, ctr: string, p: string): Promise<PathStat | undefined> {
  try {
    const res = await api.request('HEAD', `/containers/${ctr}/archive`, { query: { path: p } });
    res.resume();
    const header = res.headers['x-docker-container-path-stat'];
    return typeof header === 'string' ? (JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as PathStat) : undefined;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

/** Counts the bytes that pass, for "Successfully copied …". */
function counter(): Transform & { bytes: number } {
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      t.bytes += chunk.length;
      done(null, chunk);
    },
  }) as Transform & { bytes: number };
  t.bytes = 0;
  return t;
}

async function fromContainer(ctx: CliContext, ctr: string, srcPath: string, dstPath: string, follow: boolean): Promise<number> {
  const api = ctx.api();
  let src = srcPath;
  let rebaseTo: string | undefined;
  if (follow) {
    const st = await statPath(api, ctr, src);
    if (st && isSymlinkMode(st.mode)) {
      rebaseTo = splitPathDirEntry(src)[1];
      src = st.linkTarget.startsWith('/') ? st.linkTarget : path.posix.join(splitPathDirEntry(src)[0], st.linkTarget);
    }
  }
  const res = await api.request('GET', `/containers/${ctr}/archive`, { query: { path: src } });
  const count = counter();
  if (dstPath === '-') {
    await pipeline(res, count, ctx.stdout, { end: false });
    return count.bytes;
  }
  const header = res.headers['x-docker-container-path-stat'];
  const st = typeof header === 'string' ? (JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as PathStat) : undefined;
  const srcBase = splitPathDirEntry(src)[1];
  const local = path.resolve(dstPath) + (/\/\.?$/.test(dstPath) ? '/' : '');
  const dstStat = await stat(local).catch(() => undefined);
  const plan = planCopy({ base: rebaseTo ?? srcBase, isDir: st ? isDirMode(st.mode) : false }, { path: local, exists: !!dstStat, isDir: !!dstStat?.isDirectory() });
  // The archive's entries are named after the source; with -L after the link's target, shown under the link's name.
  const rebase = plan.rebase ? { from: srcBase, to: plan.rebase.to } : rebaseTo ? { from: srcBase, to: rebaseTo } : undefined;
  await extractTar(res.pipe(count), plan.dir, rebase);
  return count.bytes;
}

async function toContainer(api: ApiClient, srcPath: string, ctr: string, dstPath: string, o: { follow: boolean; archive: boolean }, stdin: NodeJS.ReadableStream): Promise<number> {
  let dst = await statPath(api, ctr, dstPath);
  let dstResolved = dstPath;
  if (dst && isSymlinkMode(dst.mode)) {
    dstResolved = dst.linkTarget.startsWith('/') ? dst.linkTarget : path.posix.join(splitPathDirEntry(dstPath)[0], dst.linkTarget);
    dst = await statPath(api, ctr, dstResolved);
  }
  const count = counter();
  const put = (dir: string, body: NodeJS.ReadableStream) =>
    api.call('PUT', `/containers/${ctr}/archive`, {
      query: { path: dir, noOverwriteDirNonDir: true, copyUIDGID: o.archive || undefined },
      body: body.pipe(count),
      headers: { 'Content-Type': 'application/x-tar' },
    });
  if (srcPath === '-') {
    if (!dst || !isDirMode(dst.mode)) throw new Error(`destination "${ctr}:${dstPath}" must be a directory`);
    await put(dstResolved, stdin);
    return count.bytes;
  }
  const local = path.resolve(srcPath);
  const linkStat = await lstat(local);
  const follow = o.follow && linkStat.isSymbolicLink();
  const srcStat = follow ? await stat(await realpath(local)) : linkStat;
  const contentsOnly = /\/\.$/.test(srcPath);
  const srcBase = path.basename(local);
  const plan = planCopy({ base: srcBase, isDir: srcStat.isDirectory() }, { path: dstResolved, exists: !!dst, isDir: !!dst && isDirMode(dst.mode) });
  const rootName = contentsOnly && !plan.rebase ? '' : (plan.rebase?.to ?? srcBase);
  await put(plan.dir, Readable.from(writeTar(follow ? await realpath(local) : local, rootName, follow)));
  return count.bytes;
}
