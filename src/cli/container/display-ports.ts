/**
 * The PORTS column of `ps`, as docker's DisplayablePorts writes it:
 * unpublished ports grouped into ranges ("80/tcp, 8000-8002/tcp"),
 * published ones as "0.0.0.0:8080->80/tcp" and "[::]:8080->80/tcp".
 */
export interface ApiPort {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

const joinHostPort = (ip: string, port: string | number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

function formGroup(key: string, first: number, last: number): string {
  const parts = key.split('/');
  const [ip, type] = parts.length > 1 ? [parts[0] as string, parts[1] as string] : ['', parts[0] as string];
  let group = first === last ? String(first) : `${first}-${last}`;
  if (ip) group = `${joinHostPort(ip, group)}->${group}`;
  return `${group}/${type}`;
}

export function displayablePorts(ports: readonly ApiPort[]): string {
  // Go's byte-wise string order, not the locale's: "0.0.0.0" sorts before "::".
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const sorted = [...ports].sort(
    (a, b) => a.PrivatePort - b.PrivatePort || cmp(a.IP ?? '', b.IP ?? '') || (a.PublicPort ?? 0) - (b.PublicPort ?? 0) || cmp(a.Type, b.Type),
  );
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const p of sorted) {
    let key = p.Type;
    if (p.IP) {
      if (p.PublicPort !== p.PrivatePort) {
        hostMappings.push(`${joinHostPort(p.IP, p.PublicPort ?? 0)}->${p.PrivatePort}/${p.Type}`);
        continue;
      }
      key = `${p.IP}/${p.Type}`;
    }
    const g = groups.get(key);
    if (!g) groups.set(key, { first: p.PrivatePort, last: p.PrivatePort });
    else if (p.PrivatePort === g.last + 1) g.last = p.PrivatePort;
    else {
      result.push(formGroup(key, g.first, g.last));
      groups.set(key, { first: p.PrivatePort, last: p.PrivatePort });
    }
  }
  for (const [key, g] of groups) result.push(formGroup(key, g.first, g.last));
  return [...result, ...hostMappings].join(', ');
}
