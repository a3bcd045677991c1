/**
 * Helpers for the archive tests: throw-away stores, tars built in memory
 * with TarWriter, and the external tools (tar, skopeo, umoci) run as
 * independent readers and writers.
 */
import { execFile, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

import { LocalContentStore } from '../content-store.js';
import { ImageStore } from '../image-store.js';
import { readTar } from '../unpack/tar-reader.js';
import { TarWriter, type TarBody, type TarHeaderInput } from './tar-writer.js';

const execFileP = promisify(execFile);

// As root, skopeo keeps a blob-info cache in /var/lib/containers/cache
// whatever it copies; made to believe it runs rootless it keeps it under
// HOME instead, here a directory of this test process, removed at exit.
const skopeoHome = path.join(os.tmpdir(), `berth-archive-skopeo-${process.pid}`);
process.once('exit', () => rmSync(skopeoHome, { recursive: true, force: true }));
const skopeoEnv = { ...process.env, HOME: skopeoHome, XDG_DATA_HOME: path.join(skopeoHome, 'xdg'), _CONTAINERS_ROOTLESS_UID: '1000' };

/** execFile, promised; skopeo runs with its cache kept out of /var/lib/containers. */
export function run(file: string, args: readonly string[], options: { maxBuffer?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return execFileP(file, args, file === 'skopeo' ? { ...options, env: skopeoEnv } : options);
}

export interface Stores {
  dir: string;
  content: LocalContentStore;
  images: ImageStore;
  cleanup(): Promise<void>;
}

export async function tempStores(): Promise<Stores> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-archive-'));
  return {
    dir,
    content: new LocalContentStore(path.join(dir, 'root')),
    images: new ImageStore(path.join(dir, 'root')),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Whatever is in the content store's ingest area. */
export async function ingestLeftovers(content: LocalContentStore): Promise<string[]> {
  return readdir(content.ingestDir).catch(() => []);
}

export type Entry = TarHeaderInput & { body?: TarBody };

/** A tar archive in memory, written with TarWriter. */
export async function tarBuffer(entries: readonly Entry[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const tar = new TarWriter(out);
  for (const { body, ...header } of entries) await tar.add(header, body);
  await tar.finish();
  out.end();
  return Buffer.concat(chunks);
}

/** A layer tar of small text files ("name" → content). */
export const layerTar = (files: Record<string, string>): Promise<Buffer> =>
  tarBuffer(Object.entries(files).map(([name, body]) => ({ name, body })));

export const gzip = (b: Buffer): Buffer => gzipSync(b);

/** zstd through Debian's zstd program (Node 20's zlib has none). */
export const zstd = (b: Buffer): Buffer => execFileSync('zstd', ['-c', '-q'], { input: b, maxBuffer: 256 << 20 });

/** Chunks of a buffer, as a stream would deliver them. */
export async function* chunked(b: Buffer, size = 7000): AsyncGenerator<Buffer, void, undefined> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

/** name → body of every file entry of a tar. */
export async function tarFiles(source: AsyncIterable<Uint8Array>): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for await (const e of readTar(source)) {
    const chunks: Buffer[] = [];
    for await (const c of e.body as AsyncIterable<Buffer>) chunks.push(c);
    if (e.type === 'file') out.set(e.name, Buffer.concat(chunks));
  }
  return out;
}

/** A small rootfs directory for tar, umoci and import tests. */
export async function makeRootfs(dir: string, files: Record<string, string>): Promise<string> {
  for (const [name, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), body);
  }
  return dir;
}

/** An OCI layout at `layout` with one image (tag `tag`) made by umoci from `files`. */
export async function umociImage(work: string, layout: string, tag: string, files: Record<string, string>): Promise<void> {
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', `${layout}:${tag}`]);
  const bundle = path.join(work, `bundle-${tag}`);
  await run('umoci', ['unpack', '--rootless', '--image', `${layout}:${tag}`, bundle]);
  await makeRootfs(path.join(bundle, 'rootfs'), files);
  await run('umoci', ['repack', '--image', `${layout}:${tag}`, bundle]);
  await run('umoci', ['config', '--image', `${layout}:${tag}`, '--config.cmd', 'sh', '--config.env', 'FROM_UMOCI=1']);
}
