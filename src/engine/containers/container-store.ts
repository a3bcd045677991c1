import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

import { conflict, errnoCode, notFound } from '../../errors.js';
import { readJson, writeJsonAtomic } from '../state/atomic-json.js';
import type { ContainerRecord } from './container.js';

/**
 * Containers on disk (`<root>/containers/<id>/container.json`) and in
 * memory. Names are unique; a name is reserved the moment a record is
 * added, so two concurrent creates cannot both take it.
 */
export class ContainerStore {
  private readonly byId = new Map<string, ContainerRecord>();
  private readonly byName = new Map<string, string>();

  private constructor(readonly dir: string) {}

  static async open(root: string): Promise<ContainerStore> {
    const store = new ContainerStore(path.join(root, 'containers'));
    await mkdir(store.dir, { recursive: true, mode: 0o700 });
    for (const id of await readdir(store.dir)) {
      const record = await readJson<ContainerRecord>(store.file(id)).catch(() => undefined);
      // A directory without a readable document is a create that died half way: the reconciler removes it.
      if (record && record.id === id) store.remember(record);
    }
    return store;
  }

  /** Directories that hold no container document (a create cut short). */
  async orphanDirs(): Promise<string[]> {
    return (await readdir(this.dir)).filter((id) => !this.byId.has(id)).map((id) => path.join(this.dir, id));
  }

  containerDir(id: string): string {
    return path.join(this.dir, id);
  }

  private file(id: string): string {
    return path.join(this.dir, id, 'container.json');
  }

  private remember(record: ContainerRecord): void {
    this.byId.set(record.id, record);
    this.byName.set(record.name, record.id);
  }

  hasName(name: string): boolean {
    return this.byName.has(name);
  }

  assertNameFree(name: string): void {
    const holder = this.byName.get(name);
    if (holder) throw nameInUse(name, holder);
  }

  /** Reserves the name and writes the first document. */
  async add(record: ContainerRecord): Promise<void> {
    const holder = this.byName.get(record.name);
    if (holder) throw nameInUse(record.name, holder);
    this.remember(record);
    try {
      await mkdir(this.containerDir(record.id), { recursive: true, mode: 0o700 });
      await this.save(record);
    } catch (e) {
      this.forget(record);
      throw e;
    }
  }

  save(record: ContainerRecord): Promise<void> {
    return writeJsonAtomic(this.file(record.id), record);
  }

  async rename(record: ContainerRecord, newName: string): Promise<void> {
    const holder = this.byName.get(newName);
    if (holder && holder !== record.id) throw nameInUse(newName, holder);
    const old = record.name;
    this.byName.delete(old);
    this.byName.set(newName, record.id);
    record.name = newName;
    try {
      await this.save(record);
    } catch (e) {
      this.byName.delete(newName);
      this.byName.set(old, record.id);
      record.name = old;
      throw e;
    }
  }

  async remove(record: ContainerRecord): Promise<void> {
    await rm(this.containerDir(record.id), { recursive: true, force: true }).catch((e: unknown) => {
      if (errnoCode(e) !== 'ENOENT') throw e;
    });
    this.forget(record);
  }

  private forget(record: ContainerRecord): void {
    this.byId.delete(record.id);
    if (this.byName.get(record.name) === record.id) this.byName.delete(record.name);
  }

  list(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  /** By full id, name (with or without "/"), or a unique id prefix, as docker resolves them. */
  find(idOrName: string): ContainerRecord {
    const record = this.lookup(idOrName);
    if (!record) throw notFound('', `No such container: ${idOrName}`);
    return record;
  }

  lookup(idOrName: string): ContainerRecord | undefined {
    const exact = this.byId.get(idOrName);
    if (exact) return exact;
    const byName = this.byName.get(idOrName.replace(/^\//, ''));
    if (byName) return this.byId.get(byName);
    if (!/^[0-9a-f]+$/.test(idOrName)) return undefined;
    const matches = [...this.byId.keys()].filter((id) => id.startsWith(idOrName));
    if (matches.length > 1) throw conflict('', `multiple IDs found with provided prefix: ${idOrName}`);
    return matches[0] === undefined ? undefined : this.byId.get(matches[0]);
  }
}

function nameInUse(name: string, holder: string): Error {
  return conflict(
    '',
    `Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
  );
}
