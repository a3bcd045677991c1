/** volume create|ls|inspect|rm|prune: /volumes of the API. */
import type { Command } from '../command.js';
import { filtersParam, type ApiClient } from '../client/api-client.js';
import { forEachName } from '../container/each.js';
import { kvMap, labelMap } from '../container/kv.js';
import { all, bool, str } from '../flags.js';
import { formatList } from '../output/go-template.js';
import { humanSize } from '../output/units.js';
import { confirm } from '../prompt.js';
import { inspectCommand } from './inspect.js';

interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Scope?: string;
  Labels?: Record<string, string> | null;
  CreatedAt?: string;
  UsageData?: { Size: number; RefCount: number } | null;
}

const HEADERS = { Name: 'VOLUME NAME', Driver: 'DRIVER', Mountpoint: 'MOUNTPOINT', Scope: 'SCOPE', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE', Label: 'LABEL' };

export const volumeCreate: Command = {
  usage: '[OPTIONS] [VOLUME]',
  summary: 'Create a volume',
  flags: [
    { name: 'driver', short: 'd', value: true, help: 'Specify volume driver name (default "local")' },
    { name: 'label', value: true, repeat: true, help: 'Set metadata for a volume' },
    { name: 'name', value: true, help: 'Specify volume name' },
    { name: 'opt', short: 'o', value: true, repeat: true, type: 'map', help: 'Set driver specific options' },
  ],
  args: { max: 1 },
  async run(ctx, p) {
    const flagName = str(p, 'name');
    if (flagName && p.args[0] && flagName !== p.args[0]) throw new Error(`conflicting options: cannot specify a volume-name through both --name and as a positional arg`);
    const v = await ctx.api().json<Volume>('POST', '/volumes/create', {
      json: { Name: p.args[0] ?? flagName ?? '', Driver: str(p, 'driver') ?? 'local', DriverOpts: kvMap(all(p, 'opt'), 'option'), Labels: labelMap([], all(p, 'label')) },
    });
    ctx.out(`${v.Name}\n`);
    return 0;
  },
};

export const volumeLs: Command = {
  usage: '[OPTIONS]',
  summary: 'List volumes',
  flags: [
    { name: 'filter', short: 'f', value: true, repeat: true, type: 'filter', help: "Provide filter values (e.g. 'dangling=true')" },
    { name: 'format', value: true, help: 'Format output using a custom template' },
    { name: 'quiet', short: 'q', help: 'Only display volume names' },
  ],
  args: { max: 0 },
  async run(ctx, p) {
    const r = await ctx.api().json<{ Volumes: Volume[] | null; Warnings?: string[] | null }>('GET', '/volumes', { query: { filters: filtersParam(all(p, 'filter')) } });
    const list = [...(r.Volumes ?? [])].sort((a, b) => a.Name.localeCompare(b.Name));
    for (const w of r.Warnings ?? []) ctx.err(`${w}\n`);
    if (bool(p, 'quiet')) {
      ctx.out(list.map((v) => `${v.Name}\n`).join(''));
      return 0;
    }
    const rows = list.map((v) => ({
      Name: v.Name,
      Driver: v.Driver,
      Mountpoint: v.Mountpoint,
      Scope: v.Scope ?? 'local',
      Labels: Object.entries(v.Labels ?? {}).map(([k, x]) => `${k}=${x}`).join(','),
      Links: v.UsageData ? String(v.UsageData.RefCount) : 'N/A',
      Size: v.UsageData && v.UsageData.Size >= 0 ? humanSize(v.UsageData.Size) : 'N/A',
      Label: (k: unknown) => v.Labels?.[String(k)] ?? '',
    }));
    ctx.out(formatList(str(p, 'format'), 'table {{.Driver}}\t{{.Name}}', rows, HEADERS));
    return 0;
  },
};

export const volumeRm: Command = {
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  summary: 'Remove one or more volumes',
  flags: [{ name: 'force', short: 'f', help: 'Force the removal of one or more volumes' }],
  args: { min: 1 },
  run: (ctx, p) => forEachName(ctx, p.args, (n) => ctx.api().call('DELETE', `/volumes/${n}`, { query: { force: bool(p, 'force') || undefined } })),
};

export const volumePrune: Command = {
  usage: '[OPTIONS]',
  summary: 'Remove unused local volumes',
  flags: [
    { name: 'all', short: 'a', help: 'Remove all unused volumes, not just anonymous ones' },
    { name: 'filter', value: true, repeat: true, type: 'filter', help: 'Provide filter values (e.g. "label=<label>")' },
    { name: 'force', short: 'f', help: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  async run(ctx, p) {
    const everything = bool(p, 'all');
    const warning = `WARNING! This will remove ${everything ? 'all' : 'anonymous'} local volumes not used by at least one container.`;
    if (!bool(p, 'force') && !(await confirm(ctx, warning))) return 0;
    const { text, reclaimed } = await pruneVolumes(ctx.api(), everything, all(p, 'filter'));
    ctx.out(`${text}\nTotal reclaimed space: ${humanSize(reclaimed)}\n`);
    return 0;
  },
};

export async function pruneVolumes(api: ApiClient, everything: boolean, filters: string[]): Promise<{ text: string; reclaimed: number }> {
  const r = await api.json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune', {
    query: { filters: filtersParam([...filters, ...(everything ? ['all=true'] : [])]) },
  });
  const deleted = r.VolumesDeleted ?? [];
  return { text: deleted.length > 0 ? `Deleted Volumes:\n${deleted.map((d) => `${d}\n`).join('')}` : '', reclaimed: r.SpaceReclaimed ?? 0 };
}

export const volumeInspect = inspectCommand('volume');
