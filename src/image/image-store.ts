/**
 * Image names → the descriptor of their manifest or index, kept in one JSON
 * document, `<root>/images.json`, rewritten whole and atomically (temp
 * file, fsync, rename, fsync of the directory) so a crash leaves the old
 * version or the new one, never half of each.
 *
 * Names are stored in full form ("docker.io/library/busybox:latest");
 * every method accepts any form parseReference does ("busybox"). Mutations
 * of one root are serialized within the process; each reads the file
 * afresh, so two ImageStore objects on one root see each other's changes.
 */
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { errnoCode, internal, isBerthError, notFound } from '../errors.js';
import { at, expectObject, expectString, expectStringMap, optional, required } from '../oci/json-check.js';
import type { Descriptor } from './descriptor.js';
import { checkDescriptor } from './descriptor-check.js';
import { checkDigest } from './digest.js';
import { normalizeImageName } from './reference.js';

export interface ImageRecord {
  /** "docker.io/library/busybox:latest" */
  name: string;
  target: Descriptor;
  /** ISO 8601 */
  createdAt: string;
  updatedAt: string;
  labels?: Record<string, string>;
}

export interface PutOptions {
  labels?: Record<string, string>;
}

interface Document {
  version: 1;
  images: Record<string, Omit<ImageRecord, 'name'>>;
}

const FILE = 'images.json';

/** One promise chain per file, shared by every ImageStore of this process. */
const chains = new Map<string, Promise<unknown>>();

function serialized<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const prev = chains.get(file) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const tail = next.catch(() => undefined);
  chains.set(file, tail);
  void tail.then(() => {
    if (chains.get(file) === tail) chains.delete(file);
  });
  return next;
}

export class ImageStore {
  readonly file: string;

  /** `root` is berth's root (`/var/lib/berth`). */
  constructor(root: string) {
    this.file = path.join(root, FILE);
  }

  async get(name: string): Promise<ImageRecord> {
    const full = normalizeImageName(name);
    const rec = (await this.#load()).images[full];
    if (!rec) throw notFound(`image ${JSON.stringify(name)}`, 'no such image');
    return { name: full, ...rec };
  }

  /** All images, sorted by name. */
  async list(): Promise<ImageRecord[]> {
    const doc = await this.#load();
    return Object.keys(doc.images)
      .sort()
      .flatMap((name) => {
        const rec = doc.images[name];
        return rec ? [{ name, ...rec }] : [];
      });
  }

  /** The images whose target is `digest`. */
  async byDigest(digest: string): Promise<ImageRecord[]> {
    checkDigest(digest);
    return (await this.list()).filter((r) => r.target.digest === digest);
  }

  /** Creates or moves a name (docker tag, docker pull). Labels are replaced when given. */
  async put(name: string, target: Descriptor, options: PutOptions = {}): Promise<ImageRecord> {
    const full = normalizeImageName(name);
    const checked = checkDescriptor(target, 'target');
    return serialized(this.file, async () => {
      const doc = await this.#load();
      const now = new Date().toISOString();
      const old = doc.images[full];
      const rec: Omit<ImageRecord, 'name'> = { target: checked, createdAt: old?.createdAt ?? now, updatedAt: now };
      const labels = options.labels ?? old?.labels;
      if (labels !== undefined) rec.labels = { ...labels };
      doc.images[full] = rec;
      await this.#save(doc);
      return { name: full, ...rec };
    });
  }

  /** Removes a name (not the content: that is gc's job). NotFound if absent. */
  async delete(name: string): Promise<void> {
    const full = normalizeImageName(name);
    return serialized(this.file, async () => {
      const doc = await this.#load();
      if (!doc.images[full]) throw notFound(`image ${JSON.stringify(name)}`, 'no such image');
      delete doc.images[full];
      await this.#save(doc);
    });
  }

  async #load(): Promise<Document> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return { version: 1, images: {} };
      throw e;
    }
    try {
      return parseDocument(JSON.parse(text) as unknown);
    } catch (e) {
      const why = isBerthError(e) || e instanceof SyntaxError ? e.message : String(e);
      throw internal(this.file, `unreadable image index: ${why}`, e);
    }
  }

  async #save(doc: Document): Promise<void> {
    const tmp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o711 });
    try {
      await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
      await fsync(tmp);
      await rename(tmp, this.file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    await fsync(path.dirname(this.file));
  }
}

async function fsync(file: string): Promise<void> {
  const fh = await open(file, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function parseDocument(v: unknown): Document {
  const o = expectObject(v, '');
  const version = required(o, 'version', '', (x) => x);
  if (version !== 1) throw new Error(`unknown version ${JSON.stringify(version)}`);
  const images: Document['images'] = {};
  for (const [name, raw] of Object.entries(required(o, 'images', '', expectObject))) {
    const field = at('images', name);
    const r = expectObject(raw, field);
    const rec: Omit<ImageRecord, 'name'> = {
      target: required(r, 'target', field, checkDescriptor),
      createdAt: required(r, 'createdAt', field, expectString),
      updatedAt: required(r, 'updatedAt', field, expectString),
    };
    const labels = optional(r, 'labels', field, expectStringMap);
    if (labels !== undefined) rec.labels = { ...labels };
    images[name] = rec;
  }
  return { version: 1, images };
}
