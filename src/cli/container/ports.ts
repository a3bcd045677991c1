/**
 * `-p` and `--expose`, read as docker's nat.ParsePortSpec reads them:
 * `[ip:][hostPort:]containerPort[/proto]`, ranges on either side
 * (`8000-8010:80-90`), IPv6 in brackets (`[::1]:80:80`), and the long form
 * (`published=8080,target=80,protocol=udp`).
 */
export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

export interface PortSpecs {
  exposed: Record<string, Record<string, never>>;
  bindings: Record<string, PortBinding[]>;
}

function portRange(s: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  return start <= 65535 && end <= 65535 && start <= end ? [start, end] : undefined;
}

function splitProto(raw: string): [string, string] {
  const [port = '', proto] = raw.split('/');
  return [port, proto ? proto.toLowerCase() : 'tcp'];
}

/** The long form `target=80,published=8080,protocol=udp,host_ip=…` in the short notation. */
function standardNotation(spec: string): string {
  if (!spec.includes('=')) return spec;
  const f = Object.fromEntries(spec.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  if (!f['target']) throw new Error(`invalid port specification: ${spec}: missing target`);
  return `${f['host_ip'] ? `${f['host_ip']}:` : ''}${f['published'] ?? ''}:${f['target']}/${f['protocol'] ?? 'tcp'}`;
}

export function parsePublish(specs: string[], expose: string[]): PortSpecs {
  const exposed: PortSpecs['exposed'] = {};
  const bindings: PortSpecs['bindings'] = {};
  for (const raw of specs.map(standardNotation)) {
    const parts = raw.split(':');
    const n = parts.length;
    const containerRaw = parts[n - 1] ?? '';
    const hostPort = n >= 2 ? (parts[n - 2] ?? '') : '';
    let ip = n >= 3 ? parts.slice(0, n - 2).join(':') : '';
    if (ip.startsWith('[')) ip = ip.replace(/^\[|\]$/g, '');
    if (ip && !isIp(ip)) throw new Error(`invalid IP address: ${ip}`);
    const [containerPort, proto] = splitProto(containerRaw);
    if (containerPort === '') throw new Error(`no port specified: ${raw}<empty>`);
    const c = portRange(containerPort);
    if (!c) throw new Error(`invalid containerPort: ${containerPort}`);
    const h = hostPort === '' ? undefined : portRange(hostPort);
    if (hostPort !== '' && !h) throw new Error(`invalid hostPort: ${hostPort}`);
    if (h && c[1] - c[0] !== h[1] - h[0] && c[1] !== c[0]) throw new Error(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new Error(`invalid proto: ${proto}`);
    const count = c[1] - c[0] + 1;
    for (let i = 0; i < count; i++) {
      const port = `${c[0] + i}/${proto}`;
      let hp = '';
      if (h) hp = count === 1 && h[0] !== h[1] ? `${h[0]}-${h[1]}` : String(h[0] + i);
      exposed[port] = {};
      (bindings[port] ??= []).push({ HostIp: ip, HostPort: hp });
    }
  }
  for (const e of expose) {
    const [port, proto] = splitProto(e);
    const r = portRange(port);
    if (!r) throw new Error(`invalid range format for --expose: ${e}, error: invalid port ${port}`);
    for (let p = r[0]; p <= r[1]; p++) exposed[`${p}/${proto}`] = {};
  }
  return { exposed, bindings };
}

function isIp(s: string): boolean {
  return /^(\d{1,3})(\.\d{1,3}){3}$/.test(s) ? s.split('.').every((o) => Number(o) <= 255) : /^[0-9a-fA-F:.]+$/.test(s) && s.includes(':');
}
