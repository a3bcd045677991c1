/**
 * The bridge driver against the real kernel: three "containers" (namespace
 * files with busybox httpd) on two networks, and a fourth namespace standing
 * in for another host on its own /30 link. Traffic goes only to loopback and
 * to addresses inside these namespaces. The host is checked before and
 * after: devices, nftables tables, ip_forward and the sysctls it rewrites,
 * mounts, processes, temp dirs.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';

import { isBerthError } from '../../src/errors.js';
import { BridgeDriver, parsePortSpec, type Attachment } from '../../src/network/index.js';
import { parseCidr } from '../../src/network/ipv4.js';
import { assertHostNetRestored, nftTables, runSuffix, snapshotHostNet, type HostNetSnapshot } from './host-net.js';
import { httpGet, udpAsk } from './http-get.js';
import { BUSYBOX, Sandbox, freeSubnet } from './sandbox.js';

const root = process.getuid?.() === 0;
const id = () => randomBytes(32).toString('hex');
const ipForward = async () => (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).trim();

describe('bridge driver', { skip: !root && 'needs root' }, () => {
  let host: HostNetSnapshot;
  let sb: Sandbox;
  let driver: BridgeDriver;
  let table: string;
  let netA: string;
  let netB: string;
  let other: { ns: string; hostIp: string; peerIp: string };
  const c1 = { id: id(), ns: '', att: undefined as Attachment | undefined };
  const c2 = { id: id(), ns: '', att: undefined as Attachment | undefined };
  const c3 = { id: id(), ns: '', att: undefined as Attachment | undefined };
  let c1Port = 0;

  before(async () => {
    const suffix = runSuffix();
    host = await snapshotHostNet(suffix);
    sb = await Sandbox.create(suffix);
    table = `berth_test_${sb.suffix}`;
    driver = await BridgeDriver.open({ stateDir: `${sb.dir}/state`, table });
    const subnetA = await freeSubnet(24);
    const subnetB = await freeSubnet(24, [subnetA]);
    const uplink = await freeSubnet(30, [subnetA, subnetB]);
    netA = `a-${sb.suffix}`;
    netB = `b-${sb.suffix}`;
    await driver.createNetwork({ name: netA, bridge: `bt${sb.suffix}a`, subnet: subnetA });
    await driver.createNetwork({ name: netB, bridge: `bt${sb.suffix}b`, subnet: subnetB });
    for (const [c, name] of [[c1, 'c1'], [c2, 'c2'], [c3, 'c3']] as const) {
      c.ns = await sb.netns(name);
      await sb.httpd(c.ns, `hello from ${name}`);
    }
    other = await sb.otherHost(parseCidr(uplink).network);
    await sb.httpd(other.ns, 'hello from the other host');
  });

  after(async () => {
    // Whatever a failed test left: endpoints, networks, then the sandbox.
    for (const n of driver?.list() ?? []) {
      for (const cid of Object.keys(n.Containers)) await driver.detach(cid, n.Id).catch(() => undefined);
      await driver.removeNetwork(n.Id).catch(() => undefined);
    }
    await sb?.dispose();
    await assertHostNetRestored(host);
  });

  test('attach gives each container an address, a MAC from it and a default route', async (t) => {
    const started = performance.now();
    c1.att = await driver.attach({ containerId: c1.id, netnsPath: c1.ns, name: 'c1' }, netA);
    t.diagnostic(`first attach: ${(performance.now() - started).toFixed(1)} ms`);
    c2.att = await driver.attach({ containerId: c2.id, netnsPath: c2.ns, name: 'c2', aliases: ['web'] }, netA);
    c3.att = await driver.attach({ containerId: c3.id, netnsPath: c3.ns }, netB);
    const a = driver.inspect(netA).IPAM.Config[0];
    assert.ok(a);
    assert.equal(c1.att.gateway, a.Gateway);
    assert.equal(c1.att.ifname, 'eth0');
    assert.equal(c1.att.prefixLen, 24);
    const gw = parseCidr(a.Subnet).network + 1;
    assert.equal(c1.att.ip, ip(gw + 1));
    assert.equal(c2.att.ip, ip(gw + 2));
    assert.match(c1.att.mac, /^02:42:0a(:[0-9a-f]{2}){3}$/);
    const addr = await sb.exec(c1.ns, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    assert.match(addr, new RegExp(`inet ${c1.att.ip}/24`));
    const link = await sb.exec(c1.ns, ['ip', '-o', 'link', 'show', 'dev', 'eth0']);
    assert.match(link, new RegExp(`link/ether ${c1.att.mac}`));
    const route = await sb.exec(c1.ns, ['ip', 'route', 'show', 'default']);
    assert.match(route, new RegExp(`default via ${a.Gateway} dev eth0`));
    await access(`/sys/class/net/${c1.att.hostVeth}/brport`);
  });

  test('containers on one network reach each other; on two networks they cannot', async () => {
    assert.equal(await sb.httpGet(c2.ns, c1.att!.ip, 80), 'hello from c1');
    assert.equal(await sb.httpGet(c3.ns, c1.att!.ip, 80, 1), undefined);
    assert.equal(await sb.httpGet(c1.ns, c3.att!.ip, 80, 1), undefined);
  });

  test('a container reaches another host through masquerade', async () => {
    // The other host has no route back to the container subnets: only the
    // host's address on the link can be answered.
    assert.equal(await sb.httpGet(c1.ns, other.peerIp, 80), 'hello from the other host');
  });

  test('a published TCP port answers on 127.0.0.1 and on the gateway address', async (t) => {
    const started = performance.now();
    const [p] = await driver.publish(c1.id, parsePortSpec('80'));
    t.diagnostic(`publish: ${(performance.now() - started).toFixed(1)} ms`);
    assert.ok(p);
    c1Port = p.hostPort;
    assert.deepEqual(driver.containerPorts(c1.id), { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: String(c1Port) }] });
    assert.equal(await httpGet(`http://127.0.0.1:${c1Port}/`), 'hello from c1');
    assert.equal(await httpGet(`http://${c1.att?.gateway}:${c1Port}/`), 'hello from c1');
  });

  test('another host reaches the published port at the host address on its link', async () => {
    assert.equal(await sb.httpGet(other.ns, other.hostIp, c1Port), 'hello from c1');
  });

  test('hairpin: a container reaches its own and its neighbour\'s published port through host addresses', async () => {
    assert.equal(await sb.httpGet(c1.ns, other.hostIp, c1Port), 'hello from c1');
    assert.equal(await sb.httpGet(c1.ns, c1.att!.gateway, c1Port), 'hello from c1');
    assert.equal(await sb.httpGet(c2.ns, other.hostIp, c1Port), 'hello from c1');
    // Published ports are for everyone, other networks included.
    assert.equal(await sb.httpGet(c3.ns, other.hostIp, c1Port), 'hello from c1');
  });

  test('a published UDP port answers', async () => {
    await sb.udpEcho(c2.ns, 5353);
    const [p] = await driver.publish(c2.id, parsePortSpec('5353/udp'));
    assert.ok(p);
    assert.equal(p.proto, 'udp');
    assert.equal(await udpAsk('127.0.0.1', p.hostPort, 'ping'), 'echo:ping');
  });

  test('a port published on one host address answers there only', async () => {
    const [p] = await driver.publish(c3.id, parsePortSpec('127.0.0.1::80'));
    assert.ok(p);
    assert.equal(await httpGet(`http://127.0.0.1:${p.hostPort}/`), 'hello from c3');
    assert.equal(await httpGet(`http://${c1.att?.gateway}:${p.hostPort}/`, 500), undefined);
  });

  test('a host port taken by another container or a host process is refused, and nothing changes', async () => {
    const ruleset = await listTable(table);
    const ports = driver.publishedPorts();
    const refused = async (p: Promise<unknown>, pattern: RegExp) =>
      assert.rejects(p, (e) => isBerthError(e, 'Conflict') && pattern.test(e.message));
    // The second port is the clash: the first must not be published either.
    const free = await freePort();
    await refused(
      driver.publish(c2.id, parsePortSpec(`${free}:80`).concat(parsePortSpec(`${c1Port}:80`))),
      new RegExp(`already in use by container ${c1.id.slice(0, 12)}`),
    );
    const server = await listen();
    try {
      const taken = (server.address() as { port: number }).port;
      await refused(driver.publish(c3.id, parsePortSpec(`${taken}:80`)), /a process on the host/);
    } finally {
      server.close();
    }
    assert.equal(await listTable(table), ruleset);
    assert.deepEqual(driver.publishedPorts(), ports);
    assert.equal(await httpGet(`http://127.0.0.1:${free}/`, 500), undefined);
  });

  test('route_localnet on the bridge does not open the host\'s loopback to containers', async () => {
    // c3 plays a hostile container: it routes 127.0.0.0/8 to its gateway.
    // Without the guard chain the host would accept these packets (the
    // bridge has route_localnet=1) and answer from a 127.0.0.1-only service.
    const server = createServer((s) => s.end('secret\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const gw = c3.att!.gateway;
      await sb.exec(c3.ns, ['ip', 'addr', 'del', '127.0.0.1/8', 'dev', 'lo']);
      await sb.exec(c3.ns, ['ip', 'route', 'add', '127.0.0.0/8', 'via', gw, 'dev', 'eth0']);
      await sb.exec(c3.ns, ['sh', '-c', 'echo 1 > /proc/sys/net/ipv4/conf/eth0/route_localnet']);
      const out = await sb
        .exec(c3.ns, ['sh', '-c', `${BUSYBOX} nc -w 1 127.0.0.1 ${port} </dev/null`])
        .catch((e: { stdout?: string }) => e.stdout ?? '');
      assert.doesNotMatch(out, /secret/);
    } finally {
      server.close();
    }
  });

  test('inspect describes the network in Docker\'s shape', () => {
    const n = driver.inspect(netA);
    assert.equal(n.Name, netA);
    assert.equal(n.Driver, 'bridge');
    assert.equal(n.Options['com.docker.network.bridge.name'], `bt${sb.suffix}a`);
    assert.deepEqual(n.Containers[c1.id], {
      Name: 'c1',
      EndpointID: n.Containers[c1.id]?.EndpointID,
      MacAddress: c1.att?.mac,
      IPv4Address: `${c1.att?.ip}/24`,
      IPv6Address: '',
    });
    assert.deepEqual(driver.containerEndpoints(c2.id)[netA]?.Aliases, ['web']);
    assert.equal(driver.inspect(n.Id.slice(0, 10)).Name, netA);
  });

  test('a second network is eth1 and leaves the default route to the first', async () => {
    const second = await driver.attach({ containerId: c1.id, netnsPath: c1.ns }, netB);
    try {
      assert.equal(second.ifname, 'eth1');
      assert.match(await sb.exec(c1.ns, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth1']), new RegExp(`inet ${second.ip}/24`));
      const routes = await sb.exec(c1.ns, ['ip', 'route', 'show', 'default']);
      assert.equal(routes.trim(), `default via ${c1.att!.gateway} dev eth0`);
      assert.equal(await sb.httpGet(c1.ns, c3.att!.ip, 80), 'hello from c3');
      assert.deepEqual(Object.keys(driver.containerEndpoints(c1.id)).sort(), [netA, netB].sort());
    } finally {
      await driver.detach(c1.id, netB);
    }
    assert.equal(await httpGet(`http://127.0.0.1:${c1Port}/`), 'hello from c1');
  });

  test('detach frees the address and removes the veth and the rules', async (t) => {
    const veth = c1.att?.hostVeth ?? '';
    const started = performance.now();
    await driver.detach(c1.id, netA);
    t.diagnostic(`detach: ${(performance.now() - started).toFixed(1)} ms`);
    assert.equal(driver.inspect(netA).Containers[c1.id], undefined);
    assert.deepEqual(driver.containerPorts(c1.id), {});
    await assert.rejects(access(`/sys/class/net/${veth}`));
    assert.doesNotMatch(await listTable(table), new RegExp(`${c1.att?.ip} \\. 80`));
    assert.equal(await httpGet(`http://127.0.0.1:${c1Port}/`, 500), undefined);
    const again = await driver.attach({ containerId: c1.id, netnsPath: c1.ns }, netA);
    assert.equal(again.ip, c1.att?.ip);
    await driver.detach(c1.id, netA);
  });

  test('removing the last network deletes the table and restores ip_forward', async () => {
    await assert.rejects(driver.removeNetwork(netA), (e) => isBerthError(e, 'Conflict'));
    await driver.detach(c2.id, netA);
    await driver.detach(c3.id, netB);
    await driver.removeNetwork(netA);
    assert.equal(await ipForward(), '1');
    assert.ok((await nftTables()).includes(`table inet ${table}`));
    await driver.removeNetwork(netB);
    assert.equal(await ipForward(), host.sysctls['net/ipv4/ip_forward']);
    assert.ok(!(await nftTables()).includes(`table inet ${table}`));
    assert.deepEqual(driver.list(), []);
  });
});

function ip(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

async function listTable(table: string): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) =>
    execFile('nft', ['list', 'table', 'inet', table], (err, out) => (err ? reject(err) : resolve(out))),
  );
}

function listen(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

/** A port nothing listens on right now (the kernel's choice for a moment). */
async function freePort(): Promise<number> {
  const s = await listen();
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}
