/**
 * Writes images in `docker save` format, as Docker 20.10 writes it and
 * `docker load` and skopeo's docker-archive transport read it:
 *
 *   <diffID hex>/VERSION, <diffID hex>/json, <diffID hex>/layer.tar   (each layer once, uncompressed)
 *   <config hex>.json                                                 (the config blob, as stored)
 *   manifest.json   [{"Config": "<hex>.json", "RepoTags": ["busybox:latest"], "Layers": ["<hex>/layer.tar", …]}]
 *   repositories    {"busybox": {"latest": "<top layer hex>"}}
 *
 * Layer tars must be uncompressed and a tar header states its size before
 * the data, so compressed layers are decompressed twice: once to measure
 * (and to check the result against the config's diff_ids) before anything
 * is written, once while writing. An index is resolved to one platform.
 */
import { failedPrecondition, isBerthError } from '../../errors.js';
import type { ContentStore } from '../content-store.js';
import type { Descriptor, Platform } from '../descriptor.js';
import { Digester, digestHex } from '../digest.js';
import type { ImageRecord } from '../image-store.js';
import { layerCompression } from '../media-types.js';
import { familiarName, familiarString, parseReference } from '../reference.js';
import { resolveImage, type ResolvedImage } from '../resolve.js';
import { DOCKER_MANIFEST_JSON, DOCKER_REPOSITORIES, type DockerArchiveEntry } from './docker-manifest-json.js';
import { measureUncompressed, openUncompressed } from './layer-measure.js';
import type { TarWriter } from './tar-writer.js';

export interface DockerSaveOptions {
  content: ContentStore;
  /** which manifest of an index to save; default the host's */
  platform?: Platform;
}

interface SavedImage {
  resolved: ResolvedImage;
  /** "busybox:latest" */
  repoTags: string[];
  context: string;
}

interface SavedLayer {
  diffId: string;
  descriptor: Descriptor;
  /** uncompressed size */
  size: number;
  /** the layer below it in the first image that has it */
  parent?: string;
  created: string;
  context: string;
}

const EPOCH = '1970-01-01T00:00:00Z';

const imageContext = (name: string) => `image ${JSON.stringify(familiarString(parseReference(name)))}`;

async function within<T>(context: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw isBerthError(e) && !e.message.startsWith(context) ? e.within(context) : e;
  }
}

/** Resolves the images, grouped by config (one manifest.json entry each, all tags together). */
async function resolveAll(records: readonly ImageRecord[], options: DockerSaveOptions): Promise<SavedImage[]> {
  const byConfig = new Map<string, SavedImage>();
  for (const rec of records) {
    const context = imageContext(rec.name);
    const resolved = await resolveImage(options.content, rec.target, {
      context,
      ...(options.platform === undefined ? {} : { platform: options.platform }),
    });
    const ref = parseReference(rec.name);
    const tags = ref.tag !== undefined && ref.digest === undefined ? [familiarString(ref)] : [];
    const seen = byConfig.get(resolved.configDescriptor.digest);
    if (seen === undefined) byConfig.set(resolved.configDescriptor.digest, { resolved, repoTags: tags, context });
    else for (const t of tags) if (!seen.repoTags.includes(t)) seen.repoTags.push(t);
  }
  return [...byConfig.values()];
}

/** Every distinct layer, measured and checked against its diffID. */
async function measureLayers(images: SavedImage[], content: ContentStore): Promise<SavedLayer[]> {
  const layers = new Map<string, SavedLayer>();
  for (const { resolved, context } of images) {
    let parent: string | undefined;
    for (const [i, descriptor] of resolved.layers.entries()) {
      const diffId = resolved.config.rootfs.diff_ids[i] ?? '';
      if (!layers.has(diffId)) {
        let size = descriptor.size;
        if (layerCompression(descriptor.mediaType) === 'none') {
          if (descriptor.digest !== diffId) {
            const why = `uncompressed layer ${descriptor.digest} does not match diff_ids[${i}] ${diffId} of its config`;
            throw failedPrecondition(context, why);
          }
          // Not read now, but it must be there: nothing is written before everything is known to be.
          size = (await within(context, () => content.info(descriptor.digest))).size;
        } else {
          const what = `layer ${descriptor.digest}`;
          const m = await within(context, () => measureUncompressed(content, descriptor.digest, descriptor.mediaType, what));
          if (m.diffId !== diffId) {
            const why = `layer ${descriptor.digest} uncompresses to ${m.diffId}, but diff_ids[${i}] of its config is ${diffId}`;
            throw failedPrecondition(context, why);
          }
          size = m.size;
        }
        const layer: SavedLayer = { diffId, descriptor, size, created: resolved.config.created ?? EPOCH, context };
        if (parent !== undefined) layer.parent = parent;
        layers.set(diffId, layer);
      }
      parent = diffId;
    }
  }
  return [...layers.values()];
}

async function writeLayer(tar: TarWriter, layer: SavedLayer, content: ContentStore): Promise<void> {
  const hex = digestHex(layer.diffId);
  const legacy: Record<string, string> = { id: hex, created: layer.created };
  if (layer.parent !== undefined) legacy.parent = digestHex(layer.parent);
  await tar.add({ name: `${hex}/`, type: 'dir' });
  await tar.add({ name: `${hex}/VERSION` }, '1.0');
  await tar.add({ name: `${hex}/json` }, JSON.stringify(legacy));
  const { descriptor } = layer;
  const what = `layer ${descriptor.digest}`;
  const body = await within(layer.context, () => openUncompressed(content, descriptor.digest, descriptor.mediaType, what));
  const digester = new Digester();
  async function* hashed(): AsyncGenerator<Buffer, void, undefined> {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      digester.update(chunk);
      yield chunk;
    }
  }
  await tar.add({ name: `${hex}/layer.tar`, size: layer.size }, hashed());
  // Measured before, so this fails only if the blob changed under us; the archive is then unusable.
  if (digester.digest() !== layer.diffId) {
    throw failedPrecondition(layer.context, `layer ${descriptor.digest} changed while being saved`);
  }
}

export async function writeDockerArchive(records: readonly ImageRecord[], tar: TarWriter, options: DockerSaveOptions): Promise<void> {
  const { content } = options;
  const images = await resolveAll(records, options);
  const layers = await measureLayers(images, content);
  for (const layer of layers) await writeLayer(tar, layer, content);

  const entries: DockerArchiveEntry[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  const configsWritten = new Set<string>();
  for (const { resolved, repoTags, context } of images) {
    const config = resolved.configDescriptor;
    const configName = `${digestHex(config.digest)}.json`;
    if (!configsWritten.has(config.digest)) {
      await tar.add({ name: configName }, await within(context, () => content.readAll(config.digest)));
      configsWritten.add(config.digest);
    }
    const layerNames = resolved.config.rootfs.diff_ids.map((d) => `${digestHex(d)}/layer.tar`);
    entries.push({ Config: configName, RepoTags: repoTags, Layers: layerNames });
    const top = resolved.config.rootfs.diff_ids.at(-1);
    for (const t of repoTags) {
      const ref = parseReference(t);
      if (top === undefined || ref.tag === undefined) continue;
      (repositories[familiarName(ref)] ??= {})[ref.tag] = digestHex(top);
    }
  }
  await tar.add({ name: DOCKER_MANIFEST_JSON }, JSON.stringify(entries));
  if (Object.keys(repositories).length > 0) await tar.add({ name: DOCKER_REPOSITORIES }, JSON.stringify(repositories));
}
