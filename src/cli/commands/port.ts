import type { Command } from '../command.js';

type Ports = Record<string, { HostIp: string; HostPort: string }[] | null>;

const joinHostPort = (ip: string, port: string) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** Natural order, as docker sorts these lines: numbers inside compare as numbers. */
const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** port CONTAINER [PRIVATE_PORT[/PROTO]]: the published mappings, from the container's inspect. */
export const port: Command = {
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  summary: 'List port mappings or a specific mapping for the container',
  flags: [],
  args: { min: 1, max: 2 },
  async run(ctx, p) {
    const [name, wanted] = p.args as [string, string | undefined];
    const c = await ctx.api().json<{ NetworkSettings?: { Ports?: Ports | null } }>('GET', `/containers/${name}/json`);
    const ports = c.NetworkSettings?.Ports ?? {};
    const out: string[] = [];
    if (wanted) {
      const [num = '', proto = 'tcp'] = wanted.split('/');
      if (!/^\d+$/.test(num) || Number(num) > 65535) throw new Error(`Error: invalid port (${num}): strconv.ParseUint: parsing "${num}": invalid syntax`);
      const frontends = ports[`${num}/${proto}`] ?? [];
      if (frontends.length === 0) throw new Error(`Error: No public port '${wanted}' published for ${name}`);
      for (const f of frontends) out.push(joinHostPort(f.HostIp, f.HostPort));
    } else {
      for (const [from, frontends] of Object.entries(ports)) for (const f of frontends ?? []) out.push(`${from} -> ${joinHostPort(f.HostIp, f.HostPort)}`);
    }
    if (out.length > 0) ctx.out(`${out.sort(natural).join('\n')}\n`);
    return 0;
  },
};
