/**
 * From an image's stored target to what running it needs: index → the
 * manifest for the platform → config and layer descriptors, all read from
 * the content store. Layers are only described here, not read: unpacking
 * wants them, resolving does not.
 */
import { isBerthError, notFound, failedPrecondition } from '../errors.js';
import type { ContentStore } from './content-store.js';
import type { Descriptor, Platform } from './descriptor.js';
import { configPlatform, parseImageConfig, type ImageConfig } from './image-config.js';
import { parseManifest, type ImageManifest } from './manifest.js';
import { formatPlatform, hostPlatform, platformMatches, selectManifest } from './platform.js';

export interface ResolvedImage {
  /** the outermost index, when the target is one */
  indexDescriptor?: Descriptor;
  manifestDescriptor: Descriptor;
  manifest: ImageManifest;
  configDescriptor: Descriptor;
  config: ImageConfig;
  /** base layer first */
  layers: Descriptor[];
  /** what the config says the image is for */
  platform: Platform;
}

export interface ResolveOptions {
  /**
   * The platform wanted. Default: the host's, leniently (an amd64 host takes
   * a 386 image when that is all there is). When given, a single-platform
   * image must match it.
   */
  platform?: Platform;
  /** exact platform match only; default false */
  strict?: boolean;
  /** names the image in errors: `image "busybox:latest"` */
  context?: string;
}

/** Indexes may nest (an index of indexes); more than this is a loop or abuse. */
const MAX_DEPTH = 4;

async function readBlob(content: ContentStore, d: Descriptor, what: string, context: string): Promise<Buffer> {
  try {
    return await content.readAll(d.digest);
  } catch (e) {
    if (isBerthError(e, 'NotFound')) throw notFound(context, `${what} blob ${d.digest} is not in the content store`);
    throw e;
  }
}

export async function resolveImage(content: ContentStore, target: Descriptor, options: ResolveOptions = {}): Promise<ResolvedImage> {
  const context = options.context ?? `image ${target.digest}`;
  const wanted = options.platform ?? hostPlatform();
  let desc = target;
  let indexDescriptor: Descriptor | undefined;
  for (let depth = 0; ; depth++) {
    if (depth > MAX_DEPTH) throw failedPrecondition(context, `indexes nested more than ${MAX_DEPTH} deep`);
    const bytes = await readBlob(content, desc, depth === 0 ? 'manifest' : 'platform manifest', context);
    const parsed = parseManifest(bytes, desc.mediaType, `manifest ${desc.digest}`);
    if (parsed.kind === 'manifest') {
      const { manifest } = parsed;
      const configDescriptor = manifest.config;
      const configBytes = await readBlob(content, configDescriptor, 'config', context);
      const config = parseImageConfig(configBytes, `config ${configDescriptor.digest}`);
      const platform = configPlatform(config);
      // Reached without an index entry saying what platform this is: the config says.
      const explicit = options.platform !== undefined || indexDescriptor !== undefined;
      if (desc.platform === undefined && explicit && !platformMatches(platform, wanted, options.strict ?? false)) {
        throw notFound(
          context,
          `image was found but its platform (${formatPlatform(platform)}) does not match the requested ${formatPlatform(wanted)}`,
        );
      }
      const diffIds = config.rootfs.diff_ids.length;
      if (diffIds !== manifest.layers.length) {
        throw failedPrecondition(context, `config lists ${diffIds} layer diff_ids, the manifest ${manifest.layers.length} layers`);
      }
      const out: ResolvedImage = {
        manifestDescriptor: desc,
        manifest,
        configDescriptor,
        config,
        layers: manifest.layers,
        platform,
      };
      if (indexDescriptor) out.indexDescriptor = indexDescriptor;
      return out;
    }
    indexDescriptor ??= desc;
    try {
      desc = selectManifest(parsed.index, wanted, options.strict ? { strict: true } : {});
    } catch (e) {
      throw isBerthError(e) ? e.within(context) : e;
    }
  }
}
