/**
 * The rows of `ps` (and their `--format` fields), computed from GET
 * /containers/json as docker's ContainerContext does: the ID cut to 12,
 * the command quoted and cut to 20 characters with "…", CREATED as "2
 * minutes ago", STATUS as the daemon words it ("Up 3 seconds", "Exited (0)
 * 2 seconds ago"), names without their leading "/".
 */
import { ellipsis, truncateId } from '../output/text.js';
import { ago, goTimeString, humanSize } from '../output/units.js';
import { displayablePorts, type ApiPort } from './display-ports.js';

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID?: string;
  Command: string;
  Created: number;
  Ports?: ApiPort[] | null;
  SizeRw?: number;
  SizeRootFs?: number;
  Labels?: Record<string, string> | null;
  State: string;
  Status: string;
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: { Networks?: Record<string, unknown> | null } | null;
  Mounts?: { Name?: string; Source?: string; Type?: string }[] | null;
}

export const PS_HEADERS = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS',
  State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS', Label: 'LABEL', Mounts: 'MOUNTS',
  Networks: 'NETWORKS', LocalVolumes: 'LOCAL VOLUMES', Platform: 'PLATFORM',
};

export function psTable(size: boolean): string {
  return `table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}${size ? '\t{{.Size}}' : ''}`;
}

/** Go's strconv.Quote for the text docker puts in COMMAND. */
const quote = (s: string): string => JSON.stringify(s).replace(/\\u007f/g, '\\x7f');

export function psRow(c: ContainerSummary, trunc: boolean, now = Date.now()) {
  const names = (c.Names ?? []).map((n) => n.replace(/^\//, ''));
  // A container linked from others also has their "/other/alias" names; the table shows its own.
  const shown = trunc ? names.filter((n) => !n.includes('/')).slice(0, 1) : names;
  const created = new Date(c.Created * 1000);
  const labels = c.Labels ?? {};
  let image = c.Image || '<no image>';
  if (trunc && /^sha256:[0-9a-f]{64}$/.test(image)) image = truncateId(image);
  else if (trunc) image = image.replace(/@sha256:[0-9a-f]{64}$/, '');
  return {
    ID: trunc ? truncateId(c.Id) : c.Id,
    Names: shown.join(','),
    Image: image,
    Command: quote(trunc ? ellipsis(c.Command, 20) : c.Command),
    CreatedAt: goTimeString(created),
    RunningFor: ago(created, now),
    Ports: displayablePorts(c.Ports ?? []),
    State: c.State,
    Status: c.Status || c.State,
    Size: sizeText(c),
    Labels: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','),
    Mounts: (c.Mounts ?? []).map((m) => (m.Name ? (trunc ? ellipsis(m.Name, 15) : m.Name) : (m.Source ?? ''))).join(','),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Type === 'volume').length),
    /** `{{.Label "com.example.key"}}` */
    Label: (key: unknown) => labels[String(key)] ?? '',
  };
}

function sizeText(c: ContainerSummary): string {
  if (c.SizeRw === undefined && c.SizeRootFs === undefined) return '0B';
  const rw = humanSize(c.SizeRw ?? 0);
  return c.SizeRootFs ? `${rw} (virtual ${humanSize(c.SizeRootFs)})` : rw;
}
