import type { Command } from '../command.js';
import type { ContainerSummary } from '../container/ps-rows.js';
import { bool, str } from '../flags.js';
import { formatList } from '../output/go-template.js';
import { humanSize } from '../output/units.js';
import type { ImageSummary } from './images.js';

interface DiskUsage {
  LayersSize?: number;
  Images?: ImageSummary[] | null;
  Containers?: ContainerSummary[] | null;
  Volumes?: { Name: string; UsageData?: { Size: number; RefCount: number } | null }[] | null;
  BuildCache?: { Size: number; InUse: boolean; Shared: boolean }[] | null;
}

const HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

/** "1.2MB (50%)": reclaimable space and its share of the total, as docker prints it (integer percent). */
function reclaimable(size: number, total: number): string {
  return total > 0 ? `${humanSize(size)} (${Math.trunc((size * 100) / total)}%)` : humanSize(size);
}

/** The summary rows of `system df`, computed as docker's disk-usage formatter does. */
export function diskUsageRows(du: DiskUsage) {
  const images = du.Images ?? [];
  const imagesSize = du.LayersSize ?? 0;
  const usedByContainers = images.filter((i) => (i.Containers ?? 0) > 0 && i.Size !== -1 && (i.SharedSize ?? 0) !== -1).reduce((s, i) => s + i.Size - (i.SharedSize ?? 0), 0);
  const containers = du.Containers ?? [];
  const active = (c: ContainerSummary) => ['running', 'paused', 'restarting'].includes(c.State);
  const cSize = containers.reduce((s, c) => s + (c.SizeRw ?? 0), 0);
  const cReclaim = containers.filter((c) => !active(c)).reduce((s, c) => s + (c.SizeRw ?? 0), 0);
  const volumes = du.Volumes ?? [];
  const vSize = volumes.reduce((s, v) => s + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const vReclaim = volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((s, v) => s + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const cache = du.BuildCache ?? [];
  const cacheSize = cache.reduce((s, b) => s + b.Size, 0);
  return [
    { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((i) => (i.Containers ?? 0) > 0).length), Size: humanSize(imagesSize), Reclaimable: reclaimable(imagesSize - usedByContainers, imagesSize) },
    { Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter(active).length), Size: humanSize(cSize), Reclaimable: reclaimable(cReclaim, cSize) },
    { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length), Size: humanSize(vSize), Reclaimable: reclaimable(vReclaim, vSize) },
    { Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((b) => b.InUse).length), Size: humanSize(cacheSize), Reclaimable: humanSize(cache.filter((b) => !b.InUse).reduce((s, b) => s + b.Size, 0)) },
  ];
}

export const systemDf: Command = {
  usage: '[OPTIONS]',
  summary: 'Show disk usage',
  flags: [
    { name: 'format', value: true, help: 'Format output using a custom template' },
    { name: 'verbose', short: 'v', help: 'Show detailed information on space usage' },
  ],
  args: { max: 0 },
  async run(ctx, p) {
    const du = await ctx.api().json<DiskUsage>('GET', '/system/df');
    if (bool(p, 'verbose')) {
      ctx.out(`${JSON.stringify(du, null, 4)}\n`);
      return 0;
    }
    ctx.out(formatList(str(p, 'format'), 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}', diskUsageRows(du), HEADERS));
    return 0;
  },
};
