import { PassThrough } from 'node:stream';

import { isBerthError, notFound } from '../../errors.js';
import type { Descriptor } from '../../image/descriptor.js';
import { parseManifest } from '../../image/manifest.js';
import { familiarString, parseReference, withDefaultTag } from '../../image/reference.js';
import type { RegistryClient } from '../../image/registry/index.js';
import { resolveImage } from '../../image/resolve.js';
import type { ImageStores } from './image-stores.js';
import { shortId, type ProgressListener } from './progress.js';
import type { RegistryAccess } from './registry-access.js';

export interface PushResult {
  digest: string;
  size: number;
}

/**
 * `push`: every blob the registry lacks is uploaded (or mounted from another
 * repository of the same registry that has it, without sending a byte),
 * then the manifests, the named one last.
 */
export async function pushImage(stores: ImageStores, registries: RegistryAccess, name: string, onProgress: ProgressListener = () => {}): Promise<PushResult> {
  const ref = withDefaultTag(parseReference(name));
  const shown = familiarString(ref);
  const record = await stores.images.get(name).catch((e: unknown) => {
    if (isBerthError(e, 'NotFound')) throw notFound(`image "${shown}"`, `an image does not exist locally with the tag: ${shown}`);
    throw e;
  });
  const client = registries.client(ref.domain);
  onProgress({ id: '', status: `The push refers to repository [${ref.domain}/${ref.path}]` });
  const sources = await mountSources(stores, ref.domain, ref.path);

  const pushManifest = async (desc: Descriptor, reference: string): Promise<void> => {
    const bytes = await stores.content.readAll(desc.digest);
    const parsed = parseManifest(bytes, desc.mediaType);
    if (parsed.kind === 'index') {
      for (const child of parsed.index.manifests) {
        if (await stores.content.has(child.digest)) await pushManifest(child, child.digest);
      }
    } else {
      for (const blob of [...parsed.manifest.layers].reverse()) await pushBlob(stores, client, ref.path, blob, sources, onProgress);
      await pushBlob(stores, client, ref.path, parsed.manifest.config, sources, onProgress, true);
    }
    await client.putManifest(ref.path, reference, bytes, desc.mediaType);
  };
  await pushManifest(record.target, ref.digest ?? ref.tag ?? 'latest');
  onProgress({ id: '', status: `${ref.tag ?? ref.digest}: digest: ${record.target.digest} size: ${record.target.size}` });
  return { digest: record.target.digest, size: record.target.size };
}

async function pushBlob(
  stores: ImageStores,
  client: RegistryClient,
  repo: string,
  blob: Descriptor,
  sources: Map<string, string[]>,
  onProgress: ProgressListener,
  quiet = false,
): Promise<void> {
  const id = shortId(blob.digest);
  const say = (status: string, current?: number): void => {
    if (!quiet) onProgress(current === undefined ? { id, status } : { id, status, current, total: blob.size });
  };
  say('Preparing');
  if ((await client.blobExists(repo, blob.digest)) !== undefined) return say('Layer already exists');
  for (const from of sources.get(blob.digest) ?? []) {
    if (await client.mountBlob(from, repo, blob.digest)) return say(`Mounted from ${from}`);
  }
  await client.pushBlob(repo, blob.digest, blob.size, async () => {
    const source = await stores.content.read(blob.digest);
    const counted = new PassThrough();
    let sent = 0;
    source.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      say('Pushing', sent);
    });
    source.on('error', (e) => counted.destroy(e));
    return source.pipe(counted);
  });
  say('Pushed');
}

/**
 * For each blob, the other repositories of the same registry that local
 * images came from and that hold it: candidates for a cross-repository
 * mount, which saves uploading layers the registry already has.
 */
async function mountSources(stores: ImageStores, domain: string, repo: string): Promise<Map<string, string[]>> {
  const byBlob = new Map<string, string[]>();
  for (const img of await stores.images.list()) {
    const r = parseReference(img.name);
    if (r.domain !== domain || r.path === repo) continue;
    const resolved = await resolveImage(stores.content, img.target).catch(() => undefined);
    for (const blob of resolved ? [resolved.configDescriptor, ...resolved.layers] : []) {
      const list = byBlob.get(blob.digest) ?? [];
      if (!list.includes(r.path)) list.push(r.path);
      byBlob.set(blob.digest, list);
    }
  }
  return byBlob;
}
