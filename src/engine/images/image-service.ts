import type { Writable } from 'node:stream';

import { conflict, isBerthError } from '../../errors.js';
import { importRootfs, loadArchive, saveArchive, type ImportResult, type LoadResult } from '../../image/archive/index.js';
import type { Descriptor, Platform } from '../../image/descriptor.js';
import type { Credentials } from '../../image/registry/index.js';
import { resolveImage } from '../../image/resolve.js';
import { familiarString, normalizeImageName, parseReference } from '../../image/reference.js';
import type { Mount } from '../../snapshot/mount.js';
import { cleanupUnused } from './cleanup.js';
import { imageSize, layerSizes } from './image-size.js';
import { openImageStores, type ImageStores } from './image-stores.js';
import { findImage, localImages, repoDigests, repoTags, type LocalImage } from './local-images.js';
import type { ProgressListener } from './progress.js';
import { pullImage, type PullResult } from './pull.js';
import { pushImage, type PushResult } from './push.js';
import { RegistryAccess, type RegistryAccessOptions } from './registry-access.js';
import { RwLock } from './rw-lock.js';
import { unpackImage } from './unpack.js';
import { historyOf, inspectOf, summaryOf, type DeleteItem, type HistoryItem, type ImageInspect, type ImageSummary } from './views.js';

/** The label that ties a container's writable layer to its image: rmi refuses images in use. */
export const IMAGE_LABEL = 'berth.image';

export interface ImageServiceOptions extends RegistryAccessOptions {
  /** berth's root (/var/lib/berth) */
  root: string;
}

/**
 * The image side of the engine: pull, push, list, inspect, tag, remove,
 * history, prune, and the writable layer a container runs on. The CLI and
 * the daemon's API both call this.
 */
export class ImageService {
  private readonly lock = new RwLock();

  private constructor(
    readonly stores: ImageStores,
    private readonly registries: RegistryAccess,
  ) {}

  static async open(options: ImageServiceOptions): Promise<ImageService> {
    return new ImageService(await openImageStores(options.root), new RegistryAccess(options));
  }

  close(): void {
    this.registries.close();
  }

  /** `credentials` (the API's X-Registry-Auth) replace those of config.json for this pull only. */
  pull(name: string, options: { platform?: Platform; onProgress?: ProgressListener; credentials?: Credentials } = {}): Promise<PullResult> {
    return this.withRegistries(options.credentials, (registries) => pullImage(this.stores, registries, name, options));
  }

  push(name: string, onProgress?: ProgressListener, credentials?: Credentials): Promise<PushResult> {
    return this.withRegistries(credentials, (registries) => pushImage(this.stores, registries, name, onProgress));
  }

  private withRegistries<T>(credentials: Credentials | undefined, fn: (r: RegistryAccess) => Promise<T>): Promise<T> {
    return this.lock.shared(async () => {
      if (!credentials) return fn(this.registries);
      const own = this.registries.withCredentials(credentials);
      try {
        return await fn(own);
      } finally {
        own.close();
      }
    });
  }

  /** `load`: images from a docker-save or OCI-layout archive (plain, gzip or zstd). */
  load(source: AsyncIterable<Uint8Array>): Promise<LoadResult> {
    return this.lock.shared(async () => {
      const result = await loadArchive(source, { content: this.stores.content, images: this.stores.images });
      // Unpacked now, as docker does: sizes are true at once and the first run does not pay for it.
      for (const img of result.images) await this.unpackTarget(img.target, img.names[0] ?? img.target.digest);
      return result;
    });
  }

  /** `save`: a docker-save archive (`docker load` reads it) or, with format "oci", an OCI image layout. */
  save(names: string[], out: Writable, format: 'docker' | 'oci' = 'docker'): Promise<void> {
    return this.lock.shared(async () => {
      // Names may be ids or short forms: save by the stored full name of each.
      const full: string[] = [];
      for (const n of names) {
        const img = await this.find(n);
        full.push(img.records.find((r) => r.name === safeNormalize(n))?.name ?? (img.records[0]?.name as string));
      }
      await saveArchive(full, out, { content: this.stores.content, images: this.stores.images, format });
    });
  }

  /** `import`: a root filesystem tarball becomes a one-layer image named `ref`. */
  import(source: AsyncIterable<Uint8Array>, ref: string, options: { changes?: string[]; message?: string } = {}): Promise<ImportResult> {
    return this.lock.shared(async () => {
      const result = await importRootfs(source, ref, {
        content: this.stores.content,
        images: this.stores.images,
        changes: options.changes ?? [],
        ...(options.message ? { message: options.message } : {}),
      });
      await this.unpackTarget(result.target, result.name);
      return result;
    });
  }

  private async unpackTarget(target: Descriptor, name: string): Promise<void> {
    const resolved = await resolveImage(this.stores.content, target).catch(() => undefined);
    if (resolved) await unpackImage(this.stores, resolved.layers, resolved.config, { context: `image "${name}"` });
  }

  async list(): Promise<ImageSummary[]> {
    const out: ImageSummary[] = [];
    for (const img of await localImages(this.stores)) {
      out.push(summaryOf(img.id, img.resolved.config, repoTags(img), repoDigests(img), await imageSize(this.stores, img)));
    }
    return out.sort((a, b) => b.Created - a.Created || a.Id.localeCompare(b.Id));
  }

  find(nameOrId: string): Promise<LocalImage> {
    return findImage(this.stores, nameOrId);
  }

  async inspect(nameOrId: string): Promise<ImageInspect> {
    const img = await this.find(nameOrId);
    const lastTag = img.records.map((r) => r.updatedAt).sort().at(-1) ?? '';
    return inspectOf(img.id, img.resolved.config, repoTags(img), repoDigests(img), await imageSize(this.stores, img), lastTag);
  }

  async history(nameOrId: string): Promise<HistoryItem[]> {
    const img = await this.find(nameOrId);
    return historyOf(img.id, img.resolved.config, repoTags(img), await layerSizes(this.stores, img));
  }

  /** `tag SOURCE TARGET`: TARGET now names the same manifest as SOURCE. */
  async tag(source: string, target: string): Promise<void> {
    const img = await this.find(source);
    const record = img.records.find((r) => r.name === safeNormalize(source)) ?? img.records[0];
    if (!record) return;
    await this.stores.images.put(normalizeImageName(target), record.target);
  }

  /** `rmi`: untag, and delete the image once no name is left, as docker does. */
  async remove(nameOrId: string, options: { force?: boolean } = {}): Promise<DeleteItem[]> {
    return this.lock.exclusive(async () => {
      const img = await this.find(nameOrId);
      const users = await this.containersUsing(img.id);
      const short = img.id.slice('sha256:'.length, 'sha256:'.length + 12);
      if (users.length > 0 && !options.force) {
        throw conflict(
          `image "${nameOrId}"`,
          `unable to remove repository reference "${nameOrId}" (must force) - container ${users[0]} is using its referenced image ${short}`,
        );
      }
      const full = safeNormalize(nameOrId);
      const byName = img.records.filter((r) => r.name === full);
      if (byName.length === 0 && img.records.length > 1 && !options.force) {
        throw conflict(`image "${nameOrId}"`, `unable to delete ${short} (must be forced) - image is referenced in multiple repositories`);
      }
      const untag = byName.length > 0 ? byName : img.records;
      const items: DeleteItem[] = [];
      for (const r of untag) {
        await this.stores.images.delete(r.name);
        items.push({ Untagged: familiarString(parseReference(r.name)) });
      }
      if (untag.length === img.records.length) {
        items.push({ Deleted: img.id });
        if (users.length === 0) await cleanupUnused(this.stores);
      }
      return items;
    });
  }

  /** `image prune`: unused layers and blobs; with `all`, every image no container uses. */
  async prune(options: { all?: boolean } = {}): Promise<{ ImagesDeleted: DeleteItem[]; SpaceReclaimed: number }> {
    return this.lock.exclusive(async () => {
      const deleted: DeleteItem[] = [];
      if (options.all) {
        for (const img of await localImages(this.stores)) {
          if ((await this.containersUsing(img.id)).length > 0) continue;
          for (const r of img.records) {
            await this.stores.images.delete(r.name);
            deleted.push({ Untagged: familiarString(parseReference(r.name)) });
          }
          deleted.push({ Deleted: img.id });
        }
      }
      const cleaned = await cleanupUnused(this.stores);
      return { ImagesDeleted: deleted, SpaceReclaimed: cleaned.reclaimedBytes };
    });
  }

  /**
   * The writable layer for a container: an overlay on the image's layer
   * chain (unpacked now if the image came from an archive), labelled with
   * the image id so the image cannot be removed under it.
   */
  async prepareRootfs(nameOrId: string, key: string): Promise<{ mounts: Mount[]; image: LocalImage }> {
    return this.lock.shared(async () => {
      const image = await this.find(nameOrId);
      const top = await unpackImage(this.stores, image.resolved.layers, image.resolved.config, { context: `image "${nameOrId}"` });
      const mounts = await this.stores.snapshots.prepare(key, top, { labels: { [IMAGE_LABEL]: image.id } });
      return { mounts, image };
    });
  }

  async releaseRootfs(key: string): Promise<void> {
    await this.stores.snapshots.remove(key).catch((e: unknown) => {
      if (!isBerthError(e, 'NotFound')) throw e;
    });
  }

  /** Keys of the container layers built on image `id`. */
  async containersUsing(id: string): Promise<string[]> {
    return (await this.stores.snapshots.list()).filter((s) => s.kind === 'active' && s.labels[IMAGE_LABEL] === id).map((s) => s.name);
  }
}

function safeNormalize(name: string): string | undefined {
  try {
    return normalizeImageName(name);
  } catch {
    return undefined;
  }
}
