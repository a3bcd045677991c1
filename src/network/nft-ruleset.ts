/**
 * The whole nftables table of the bridge driver, generated from its state.
 * It is applied in one `nft -f -` transaction that deletes the old table and
 * adds the new one, so every rule in it is ours, a reader never sees half a
 * ruleset, and tearing everything down is one `delete table`.
 *
 * Chains sit at the standard hook priorities next to whatever other tables
 * exist (iptables-nft, firewalld, docker). nftables runs every base chain of
 * every table on a hook: an `accept` here only ends *our* chain, while a
 * `drop` anywhere is final. So this table can isolate (drop), but it cannot
 * overrule another table that drops; see forward-blockers.ts.
 */
import type { PublishedPort } from './state.js';

export interface RulesetNetwork {
  bridge: string;
  subnet: string;
  internal: boolean;
}

export interface RulesetInput {
  table: string;
  networks: RulesetNetwork[];
  ports: PublishedPort[];
}

const q = (s: string) => `"${s}"`;
const list = (items: string[]) => items.join(', ');
const elements = (items: string[]) => (items.length > 0 ? ` elements = { ${list(items)} };` : '');

export function renderRuleset({ table, networks, ports }: RulesetInput): string {
  const bridges = networks.map((n) => q(n.bridge));
  const internal = networks.filter((n) => n.internal).map((n) => q(n.bridge));
  const anyAddr = ports.filter((p) => p.hostIp === '');
  const onAddr = ports.filter((p) => p.hostIp !== '');
  const target = (p: PublishedPort) => `${p.containerIp} . ${p.containerPort}`;
  const lines = [
    // Creating the table first makes the delete succeed when it does not exist yet.
    `table inet ${table} {}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    `  set bridges { type ifname;${elements(bridges)} }`,
    `  set internal_bridges { type ifname;${elements(internal)} }`,
    `  map published { type inet_proto . inet_service : ipv4_addr . inet_service;${elements(
      anyAddr.map((p) => `${p.proto} . ${p.hostPort} : ${target(p)}`),
    )} }`,
    `  map published_on { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service;${elements(
      onAddr.map((p) => `${p.hostIp} . ${p.proto} . ${p.hostPort} : ${target(p)}`),
    )} }`,
    // Published ports answer on every local address: from other hosts
    // (prerouting) and from the host itself (output), 127.0.0.1 included.
    `  chain prerouting { type nat hook prerouting priority dstnat; policy accept; fib daddr type local jump publish; }`,
    // -100 is dstnat; nft 1.0 accepts the keyword on prerouting only.
    `  chain output { type nat hook output priority -100; policy accept; fib daddr type local jump publish; }`,
    `  chain publish {`,
    `    meta nfproto ipv4 meta l4proto { tcp, udp } dnat ip to ip daddr . meta l4proto . th dport map @published_on`,
    `    meta nfproto ipv4 meta l4proto { tcp, udp } dnat ip to meta l4proto . th dport map @published`,
    `  }`,
    `  chain postrouting {`,
    `    type nat hook postrouting priority srcnat; policy accept;`,
    ...networks.flatMap((n) => masquerade(n)),
    // The host reaching 127.0.0.1:<port>: after output DNAT the packet still
    // has source 127.0.0.1, which the container could not answer. The
    // kernel routes such a packet out of the bridge only with
    // net.ipv4.conf.<bridge>.route_localnet=1 (set on each bridge); here it
    // takes the bridge's address instead.
    `    oifname @bridges ip saddr 127.0.0.0/8 masquerade`,
    `  }`,
    `  chain forward {`,
    `    type filter hook forward priority filter; policy accept;`,
    `    ct state established,related accept`,
    // With br_netfilter, frames between two ports of one bridge pass this
    // hook too, with the bridge as both input and output device.
    ...networks.map((n) => `    iifname ${q(n.bridge)} oifname ${q(n.bridge)} accept`),
    `    oifname @bridges ct status dnat accept`,
    // Anything else into a bridge: another network (isolation), or a
    // neighbour routing straight to a container address.
    `    oifname @bridges drop`,
    `    iifname @internal_bridges drop`,
    `    iifname @bridges accept`,
    `  }`,
    // route_localnet lets the bridge accept packets for 127.0.0.0/8, which
    // the replies above need; a container must not use it to reach the
    // host's loopback-only services, so only replies may come in that way.
    `  chain guard {`,
    `    type filter hook prerouting priority filter; policy accept;`,
    `    iifname @bridges ip daddr 127.0.0.0/8 ct direction original drop`,
    `  }`,
    `}`,
  ];
  return `${lines.join('\n')}\n`;
}

function masquerade(n: RulesetNetwork): string[] {
  // Hairpin: a container reaching a published port (its own or a
  // neighbour's) through a host address comes back into its own bridge;
  // without the masquerade the answer would go container to container and
  // never match the connection.
  const hairpin = `    ip saddr ${n.subnet} oifname ${q(n.bridge)} ct status dnat masquerade`;
  if (n.internal) return [hairpin];
  return [`    ip saddr ${n.subnet} oifname != ${q(n.bridge)} masquerade`, hairpin];
}
