/**
 * `HEAD /containers/{id}/archive?path=`: what is at a container path, as
 * dockerd describes it in the X-Docker-Container-Path-Stat header (base64
 * of a JSON object). The last component is not followed (a symlink is
 * described as a symlink, with its fully resolved target), unless the path
 * ends in "/".
 */
import type { BigIntStats } from 'node:fs';
import { lstatSync, statSync } from 'node:fs';
import path from 'node:path';

import { errnoCode, notFound } from '../../../errors.js';
import { absContainerPath, goBase, splitLast } from './container-path.js';
import { goFileMode } from './go-file-mode.js';
import { resolveInRoot } from './scoped-path.js';

export interface PathStat {
  /** base name of the path as asked ("." for "dir/.", "/" for "/") */
  name: string;
  size: number;
  /** Go os.FileMode bits (see go-file-mode.ts) */
  mode: number;
  /** RFC 3339 with nanoseconds, as Go's time.Time in JSON */
  mtime: string;
  /** for a symlink: where it leads, resolved in the container; else "" */
  linkTarget: string;
}

export interface PathOptions {
  /** the container as the user named it, for Docker's "Could not find the file … in container …" */
  container?: string;
}

/** Where a container path is, once resolved: what statPath and archivePath share. */
export interface Located {
  /** the absolute container path, trailing "/" or "/." kept */
  abs: string;
  hostPath: string;
  stats: BigIntStats;
}

export function fileNotFound(userPath: string, options: PathOptions): Error {
  const where = options.container !== undefined ? `container ${options.container}` : 'the container';
  return notFound('', `Could not find the file ${userPath} in ${where}`);
}

/** Lstat of the path's host counterpart (stat for the root itself, which may be the /proc/<pid>/root link). */
export function locate(root: string, userPath: string, options: PathOptions): Located {
  const abs = absContainerPath(userPath);
  const { dir, base } = splitLast(abs);
  const parent = resolveInRoot(root, dir, true);
  // "x/" and "x/." name the directory x itself, which resolving `dir` already followed.
  const asDir = base === '' || base === '.';
  const hostPath = asDir ? parent.hostPath : path.join(parent.hostPath, base);
  let stats: BigIntStats;
  try {
    stats = hostPath === root ? statSync(hostPath, { bigint: true }) : lstatSync(hostPath, { bigint: true });
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw fileNotFound(userPath, options);
    throw e;
  }
  if (asDir && !stats.isDirectory()) throw fileNotFound(userPath, options);
  return { abs, hostPath, stats };
}

/** Go's time.Time in JSON (RFC 3339, nanoseconds without trailing zeros), in UTC. */
export function rfc3339Nano(ns: bigint): string {
  let seconds = ns / 1_000_000_000n;
  let frac = ns % 1_000_000_000n;
  if (frac < 0n) {
    seconds -= 1n;
    frac += 1_000_000_000n;
  }
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const digits = frac === 0n ? '' : `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${whole}${digits}Z`;
}

export function pathStatOf(root: string, loc: Located): PathStat {
  const st = loc.stats;
  return {
    name: goBase(loc.abs),
    size: Number(st.size),
    mode: goFileMode(Number(st.mode)),
    mtime: rfc3339Nano(st.mtimeNs),
    linkTarget: st.isSymbolicLink() ? resolveInRoot(root, loc.abs, true).containerPath : '',
  };
}

/** What is at `containerPath` inside `root` (a directory standing for the container's "/"). */
export async function statPath(root: string, containerPath: string, options: PathOptions = {}): Promise<PathStat> {
  const r = path.resolve(root);
  return pathStatOf(r, locate(r, containerPath, options));
}

/** The X-Docker-Container-Path-Stat header value: base64 of the JSON, fields in dockerd's order. */
export function encodePathStatHeader(stat: PathStat): string {
  const { name, size, mode, mtime, linkTarget } = stat;
  return Buffer.from(JSON.stringify({ name, size, mode, mtime, linkTarget })).toString('base64');
}
