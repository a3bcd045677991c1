import { isIPv4 } from 'node:net';

import { invalidArgument } from '../../errors.js';
import { canonicalName, nameToLabels } from './names.js';
import { parseUpstream, type Upstream } from './upstream.js';

/** One container's endpoint on the network, as the engine describes it. */
export interface DnsEndpoint {
  /** container name, network aliases, hostname; case-insensitive, trailing dot optional */
  names: string[];
  ipv4: string;
  /**
   * The container's own `--dns` servers. The server is shared by the whole
   * network, so it tells containers apart by the address a query comes from
   * and forwards this container's unknown names here instead of to the
   * network's default upstreams (Docker's per-container behaviour).
   */
  upstreams?: string[];
}

/**
 * The names the server answers itself, built whole from the endpoint list
 * (the engine replaces it as containers come and go). Several endpoints may
 * share a name, as replicas sharing a `--network-alias` do: the name then
 * has several addresses.
 */
export class RecordTable {
  private readonly byName = new Map<string, string[]>();
  private readonly byAddress = new Map<string, string>();
  private readonly upstreams = new Map<string, Upstream[]>();

  constructor(endpoints: readonly DnsEndpoint[] = []) {
    for (const e of endpoints) {
      if (!isIPv4(e.ipv4)) throw invalidArgument(`dns record "${e.names.join(',')}"`, `"${e.ipv4}" is not an IPv4 address`);
      for (const name of e.names) {
        nameToLabels(name); // validates
        const key = canonicalName(name);
        if (key === '') throw invalidArgument('dns record', 'the root name cannot belong to a container');
        const list = this.byName.get(key) ?? [];
        if (!list.includes(e.ipv4)) list.push(e.ipv4);
        this.byName.set(key, list);
      }
      // The reverse name is the endpoint's first name, which the engine gives as the container name.
      const first = e.names[0];
      if (first !== undefined && !this.byAddress.has(e.ipv4)) this.byAddress.set(e.ipv4, stripDot(first));
      if (e.upstreams && e.upstreams.length > 0) this.upstreams.set(e.ipv4, e.upstreams.map(parseUpstream));
    }
  }

  /** Addresses of a name, or undefined when the name is not the network's. */
  addresses(name: string): readonly string[] | undefined {
    return this.byName.get(canonicalName(name));
  }

  nameOf(ipv4: string): string | undefined {
    return this.byAddress.get(ipv4);
  }

  /** The `--dns` servers of the container that sent a query, if it has any. */
  upstreamsFor(client: string): readonly Upstream[] | undefined {
    return this.upstreams.get(client.startsWith('::ffff:') ? client.slice(7) : client);
  }
}

function stripDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}
