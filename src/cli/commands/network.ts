/** network create|ls|inspect|rm|connect|disconnect|prune: /networks of the API, as docker's CLI uses it. */
import type { Command } from '../command.js';
import { filtersParam, type ApiClient } from '../client/api-client.js';
import { ZERO_ENDPOINT } from '../container/endpoint.js';
import { labelMap } from '../container/kv.js';
import { display, isNotFound, MultiError, StatusError } from '../errors.js';
import { all, bool, FlagError, invalidFlag, str, type FlagDef, type ParsedFlags } from '../flags.js';
import { parseTemplate } from '../output/go-template.js';
import { confirm } from '../prompt.js';
import { csvValues, ipamConfig } from './network-ipam.js';
import { networkList, type NetworkSummary } from './network-rows.js';

/** A value checked in `run` that fails as a flag error does: exit 125 with the usage. */
function flagChecked(cmd: Command): Command {
  return {
    ...cmd,
    async run(ctx, p, path) {
      try {
        return await cmd.run(ctx, p, path);
      } catch (e) {
        if (!(e instanceof FlagError)) throw e;
        throw new StatusError(125, `${e.message}\n\nUsage:  ${path} ${cmd.usage}\n\nRun '${path} --help' for more information`);
      }
    },
  };
}

/** docker's FilterOpt: "name=value", both trimmed; an empty one is ignored. */
function filterValues(p: ParsedFlags, def: FlagDef): string[] {
  return all(p, def.name).flatMap((f) => {
    if (f === '') return [];
    const eq = f.indexOf('=');
    if (eq < 0) throw invalidFlag(def, f, 'bad format of filter (expected name=value)');
    return [`${f.slice(0, eq).trim()}=${f.slice(eq + 1).trim()}`];
  });
}

const LABEL: FlagDef = { name: 'label', value: true, repeat: true, help: 'Set metadata on a network' };

export const networkCreate = flagChecked({
  usage: '[OPTIONS] NETWORK',
  summary: 'Create a network',
  flags: [
    { name: 'attachable', help: 'Enable manual container attachment' },
    { name: 'driver', short: 'd', value: true, help: 'Driver to manage the Network (default "bridge")' },
    { name: 'gateway', value: true, repeat: true, type: 'strings', help: 'IPv4 or IPv6 Gateway for the master subnet' },
    { name: 'internal', help: 'Restrict external access to the network' },
    { name: 'ip-range', value: true, repeat: true, type: 'strings', help: 'Allocate container ip from a sub-range' },
    LABEL,
    { name: 'opt', short: 'o', value: true, repeat: true, type: 'map', help: 'Set driver specific options (default map[])' },
    { name: 'subnet', value: true, repeat: true, type: 'strings', help: 'Subnet in CIDR format that represents a network segment' },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, p) {
    const labels = all(p, 'label');
    const bad = labels.find((l) => l.split('=')[0] === '');
    if (bad !== undefined) throw invalidFlag(LABEL, bad, `invalid label '${bad}': empty name`);
    const config = ipamConfig(csvValues(all(p, 'subnet')), csvValues(all(p, 'ip-range')), csvValues(all(p, 'gateway')));
    const r = await ctx.api().json<{ Id: string }>('POST', '/networks/create', {
      json: {
        Driver: str(p, 'driver') ?? 'bridge',
        Scope: '',
        IPAM: { Driver: 'default', Options: {}, Config: config },
        Internal: bool(p, 'internal'),
        Attachable: bool(p, 'attachable'),
        Ingress: false,
        ConfigOnly: false,
        ConfigFrom: null,
        Options: labelMap([], all(p, 'opt')),
        Labels: labelMap([], labels),
        Name: p.args[0],
      },
    });
    ctx.out(`${r.Id}\n`);
    return 0;
  },
});

const LS_FILTER: FlagDef = { name: 'filter', short: 'f', value: true, repeat: true, type: 'filter', help: 'Provide filter values (e.g. "driver=bridge")' };

export const networkLs = flagChecked({
  usage: '[OPTIONS]',
  summary: 'List networks',
  flags: [
    LS_FILTER,
    { name: 'format', value: true, help: 'Format output using a custom template' },
    { name: 'no-trunc', help: 'Do not truncate the output' },
    { name: 'quiet', short: 'q', help: 'Only display network IDs' },
  ],
  args: { max: 0 },
  async run(ctx, p) {
    const filters = filtersParam(filterValues(p, LS_FILTER));
    const list = await ctx.api().json<NetworkSummary[]>('GET', '/networks', { query: { filters } });
    ctx.out(networkList(list ?? [], { format: str(p, 'format'), quiet: bool(p, 'quiet'), trunc: !bool(p, 'no-trunc') }));
    return 0;
  },
});

export const networkInspect: Command = {
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  summary: 'Display detailed information on one or more networks',
  flags: [
    { name: 'format', short: 'f', value: true, help: 'Format output using a custom template' },
    { name: 'verbose', short: 'v', help: 'Verbose output for diagnostics' },
  ],
  args: { min: 1 },
  async run(ctx, p) {
    const found: unknown[] = [];
    const errors: unknown[] = [];
    for (const name of p.args) {
      try {
        found.push(await ctx.api().json('GET', `/networks/${name}`, { query: { verbose: bool(p, 'verbose') ? 'true' : undefined } }));
      } catch (e) {
        errors.push(e);
      }
    }
    const format = str(p, 'format') ?? '';
    if (format === '') ctx.out(`${JSON.stringify(found, null, 4)}\n`);
    else if (format === 'json') ctx.out(`${JSON.stringify(found)}\n`);
    else {
      const t = parseTemplate(format);
      ctx.out(found.map((f) => `${t.render(f)}\n`).join(''));
    }
    if (errors.length > 0) throw new MultiError(errors);
    return 0;
  },
};

export const networkRm: Command = {
  usage: 'NETWORK [NETWORK...]',
  summary: 'Remove one or more networks',
  flags: [{ name: 'force', short: 'f', help: 'Do not error if the network does not exist' }],
  args: { min: 1 },
  async run(ctx, p) {
    let failed = false;
    for (const name of p.args) {
      try {
        await ctx.api().call('DELETE', `/networks/${name}`);
        ctx.out(`${name}\n`);
      } catch (e) {
        if (bool(p, 'force') && isNotFound(e)) continue;
        ctx.err(`${display(e)}\n`);
        failed = true;
      }
    }
    // docker 28 ends a partial failure with its bare status error's text.
    if (failed) throw new StatusError(1, 'exit status 1');
    return 0;
  },
};

export const networkConnect: Command = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  summary: 'Connect a container to a network',
  flags: [
    { name: 'alias', value: true, repeat: true, type: 'strings', help: 'Add network-scoped alias for the container' },
    { name: 'ip', value: true, help: 'IPv4 address (e.g., "172.30.100.104")' },
  ],
  args: { min: 2, max: 2 },
  async run(ctx, p) {
    const [network, container] = p.args;
    const ip = str(p, 'ip');
    const endpoint = { ...ZERO_ENDPOINT, IPAMConfig: ip ? { IPv4Address: ip } : {}, Aliases: csvValues(all(p, 'alias')), DriverOpts: {} };
    await ctx.api().call('POST', `/networks/${network}/connect`, { json: { Container: container, EndpointConfig: endpoint } });
    return 0;
  },
};

export const networkDisconnect: Command = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  summary: 'Disconnect a container from a network',
  flags: [{ name: 'force', short: 'f', help: 'Force the container to disconnect from a network' }],
  args: { min: 2, max: 2 },
  async run(ctx, p) {
    const [network, container] = p.args;
    await ctx.api().call('POST', `/networks/${network}/disconnect`, { json: { Container: container, Force: bool(p, 'force') } });
    return 0;
  },
};

const PRUNE_FILTER: FlagDef = { name: 'filter', value: true, repeat: true, type: 'filter', help: 'Provide filter values (e.g. "until=<timestamp>")' };

export const networkPrune = flagChecked({
  usage: '[OPTIONS]',
  summary: 'Remove all unused networks',
  flags: [PRUNE_FILTER, { name: 'force', short: 'f', help: 'Do not prompt for confirmation' }],
  args: { max: 0 },
  async run(ctx, p) {
    const filters = filterValues(p, PRUNE_FILTER);
    const warning = 'WARNING! This will remove all custom networks not used by at least one container.';
    if (!bool(p, 'force') && !(await confirm(ctx, warning))) return 0;
    const text = await pruneNetworks(ctx.api(), filters);
    if (text) ctx.out(`${text}\n`);
    return 0;
  },
});

/** POST /networks/prune; docker's report of it ("Deleted Networks:" and the names), empty when none went. */
export async function pruneNetworks(api: ApiClient, filters: string[]): Promise<string> {
  const r = await api.json<{ NetworksDeleted?: string[] | null }>('POST', '/networks/prune', { query: { filters: filtersParam(filters) } });
  const deleted = r?.NetworksDeleted ?? [];
  return deleted.length > 0 ? `Deleted Networks:\n${deleted.map((n) => `${n}\n`).join('')}` : '';
}
