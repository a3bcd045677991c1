/**
 * The rows of `network ls` (and their `--format` fields), as docker's
 * network formatter computes them from GET /networks: sorted by name in
 * natural order ("net9" before "net10"), the ID cut to 12, booleans and
 * CreatedAt as Go prints them.
 */
import { renderRows } from '../output/go-template.js';
import { truncateId } from '../output/text.js';

export interface NetworkSummary {
  Name: string;
  Id: string;
  Created?: string;
  Scope?: string;
  Driver?: string;
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  Internal?: boolean;
  Labels?: Record<string, string> | null;
}

export const NETWORK_HEADERS = {
  ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv4: 'IPV4', IPv6: 'IPV6', Internal: 'INTERNAL',
  Labels: 'LABELS', Label: 'LABEL', CreatedAt: 'CREATED AT',
};

const TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';
const RAW = 'network_id: {{.ID}}\\nname: {{.Name}}\\ndriver: {{.Driver}}\\nscope: {{.Scope}}\\n';

/** Field names in Go's order for `{{json .}}`: sorted. */
export function networkRow(n: NetworkSummary, trunc: boolean) {
  return {
    CreatedAt: goTimeOf(n.Created),
    Driver: n.Driver ?? '',
    ID: trunc ? truncateId(n.Id) : n.Id,
    IPv4: String(n.EnableIPv4 ?? false),
    IPv6: String(n.EnableIPv6 ?? false),
    Internal: String(n.Internal ?? false),
    Labels: Object.entries(n.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
    Name: n.Name,
    Scope: n.Scope ?? '',
    Label: (k: unknown) => n.Labels?.[String(k)] ?? '',
  };
}

/** `network ls` output: the table, `-q`'s IDs, "raw", or the user's template. */
export function networkList(list: NetworkSummary[], o: { format?: string | undefined; quiet: boolean; trunc: boolean }): string {
  const sorted = [...list].sort((a, b) => naturalCompare(a.Name, b.Name));
  let format = o.format ?? '';
  if (format === '' || format === 'table') format = o.quiet ? '{{.ID}}' : TABLE;
  else if (format === 'raw') format = o.quiet ? 'network_id: {{.ID}}' : RAW;
  return renderRows(format, sorted.map((n) => networkRow(n, o.trunc)), NETWORK_HEADERS);
}

/**
 * Go's time.Time.String of the daemon's RFC 3339 "Created", in the zone it
 * came in: "2024-01-02 03:04:05.123456789 +0000 UTC"; no time is Go's zero.
 */
export function goTimeOf(created: string | undefined): string {
  const m = /^(\d{4,}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(created ?? '0001-01-01T00:00:00Z');
  if (!m) return created ?? '';
  const frac = (m[3] ?? '').slice(0, 9).replace(/0+$/, '');
  const offset = m[4] === 'Z' ? '+0000' : (m[4] as string).replace(':', '');
  const zone = offset === '+0000' ? 'UTC' : offset;
  return `${m[1]} ${m[2]}${frac ? `.${frac}` : ''} ${offset} ${zone}`;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** docker's sortorder.NaturalLess as a comparison: runs of digits compare as numbers. */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const d1 = isDigit(a[i]);
    const d2 = isDigit(b[j]);
    if (d1 !== d2) return d1 ? -1 : 1;
    if (!d1) {
      if (a[i] !== b[j]) return (a[i] as string) < (b[j] as string) ? -1 : 1;
      i++;
      j++;
      continue;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    const start1 = i;
    const start2 = j;
    while (isDigit(a[i])) i++;
    while (isDigit(b[j])) j++;
    const n1 = a.slice(start1, i);
    const n2 = b.slice(start2, j);
    if (n1.length !== n2.length) return n1.length - n2.length;
    if (n1 !== n2) return n1 < n2 ? -1 : 1;
    if (start1 !== start2) return start1 - start2;
  }
  return a.length - b.length;
}
