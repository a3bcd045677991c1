/**
 * Images in the shapes the Docker Engine API and CLI use (`docker images`,
 * `docker image inspect`, `docker history`), so berth's output and, later,
 * its API answers read like Docker's.
 */
import type { ImageConfig } from '../../image/image-config.js';

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  /** seconds since the epoch */
  Created: number;
  Size: number;
  SharedSize: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: ImageConfig['config'] | null;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

export interface HistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export interface DeleteItem {
  Untagged?: string;
  Deleted?: string;
}

const seconds = (iso: string | undefined): number => (iso ? Math.floor(new Date(iso).getTime() / 1000) : 0);

export function summaryOf(id: string, config: ImageConfig, names: string[], digests: string[], size: number): ImageSummary {
  return {
    Id: id,
    ParentId: '',
    RepoTags: names,
    RepoDigests: digests,
    Created: seconds(config.created),
    Size: size,
    SharedSize: -1,
    Labels: config.config?.Labels ?? null,
    Containers: -1,
  };
}

export function inspectOf(id: string, config: ImageConfig, names: string[], digests: string[], size: number, lastTag: string): ImageInspect {
  const out: ImageInspect = {
    Id: id,
    RepoTags: names,
    RepoDigests: digests,
    Parent: '',
    Comment: config.history?.at(-1)?.comment ?? '',
    Created: config.created ?? '',
    DockerVersion: '',
    Author: config.author ?? '',
    Config: config.config ?? null,
    Architecture: config.architecture,
    Os: config.os,
    Size: size,
    GraphDriver: { Name: 'overlayfs', Data: null },
    RootFS: { Type: 'layers', Layers: config.rootfs.diff_ids },
    Metadata: { LastTagTime: lastTag },
  };
  if (config.variant) out.Variant = config.variant;
  return out;
}

/**
 * History, newest first. Entries marked empty_layer (ENV, CMD…) take no
 * layer; the others take the next diff in order, whose size is given.
 */
export function historyOf(id: string, config: ImageConfig, names: string[], layerSizes: number[]): HistoryItem[] {
  const items: HistoryItem[] = [];
  let layer = 0;
  for (const h of config.history ?? []) {
    const size = h.empty_layer ? 0 : (layerSizes[layer++] ?? 0);
    items.push({ Id: '<missing>', Created: seconds(h.created), CreatedBy: h.created_by ?? '', Tags: null, Size: size, Comment: h.comment ?? '' });
  }
  if (items.length === 0) items.push({ Id: id, Created: seconds(config.created), CreatedBy: '', Tags: null, Size: layerSizes.reduce((a, b) => a + b, 0), Comment: '' });
  items.reverse();
  const top = items[0] as HistoryItem;
  top.Id = id;
  top.Tags = names.length > 0 ? names : null;
  return items;
}
