/**
 * After a crash: a new driver on the same state frees what no live container
 * holds, sweeps a veth a crash left on a bridge, and after a "reboot"
 * (bridge and table gone) builds them again.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { BridgeDriver, parsePortSpec } from '../../src/network/index.js';
import { assertHostNetRestored, nftTables, runSuffix, snapshotHostNet, type HostNetSnapshot } from './host-net.js';
import { httpGet } from './http-get.js';
import { Sandbox, freeSubnet } from './sandbox.js';

const execFileP = promisify(execFile);
const root = process.getuid?.() === 0;
const id = () => randomBytes(32).toString('hex');

describe('reconcile after a crash', { skip: !root && 'needs root' }, () => {
  let host: HostNetSnapshot;
  let sb: Sandbox;
  let table: string;
  let bridge: string;
  let driver: BridgeDriver;
  const net = 'crashy';
  const c1 = id();
  const c2 = id();
  let veth1 = '';
  let veth2 = '';
  let port2 = 0;

  before(async () => {
    const suffix = runSuffix();
    host = await snapshotHostNet(suffix);
    sb = await Sandbox.create(suffix);
    table = `berth_test_${sb.suffix}`;
    bridge = `bt${sb.suffix}r`;
    const first = await BridgeDriver.open({ stateDir: `${sb.dir}/state`, table });
    await first.createNetwork({ name: net, bridge, subnet: await freeSubnet(24) });
    const ns1 = await sb.netns('c1');
    const ns2 = await sb.netns('c2');
    await sb.httpd(ns2, 'still here');
    veth1 = (await first.attach({ containerId: c1, netnsPath: ns1 }, net)).hostVeth;
    veth2 = (await first.attach({ containerId: c2, netnsPath: ns2 }, net)).hostVeth;
    await first.publish(c1, parsePortSpec('80'));
    port2 = (await first.publish(c2, parsePortSpec('80')))[0]?.hostPort ?? 0;
    // The daemon dies here; `first` is never used again.
    driver = await BridgeDriver.open({ stateDir: `${sb.dir}/state`, table });
  });

  after(async () => {
    for (const n of driver?.list() ?? []) {
      for (const cid of Object.keys(n.Containers)) await driver.detach(cid, n.Id).catch(() => undefined);
      await driver.removeNetwork(n.Id).catch(() => undefined);
    }
    await sb?.dispose();
    await assertHostNetRestored(host);
  });

  test('frees the endpoints and ports of dead containers and sweeps stray veths', async () => {
    // A veth left by a crash between a detach's commit and the deletion.
    const stray = `veth${randomBytes(6).toString('hex').slice(0, 11)}`;
    await execFileP('ip', ['link', 'add', stray, 'master', bridge, 'type', 'veth', 'peer', 'name', `${stray.slice(4)}p`]);
    const report = await driver.reconcile([c2]);
    assert.deepEqual(report.released.map((r) => r.containerId), [c1]);
    assert.equal(report.unpublished, 1);
    assert.deepEqual(report.recreatedBridges, []);
    await assert.rejects(access(`/sys/class/net/${veth1}`));
    await assert.rejects(access(`/sys/class/net/${stray}`));
    assert.deepEqual(Object.keys(driver.inspect(net).Containers), [c2]);
    assert.equal(await httpGet(`http://127.0.0.1:${port2}/`), 'still here');
  });

  test('with the bridge and the table gone, builds them again and puts live veths back on the bridge', async () => {
    await execFileP('ip', ['link', 'del', bridge]);
    await execFileP('nft', ['delete', 'table', 'inet', table]);
    assert.equal(await httpGet(`http://127.0.0.1:${port2}/`, 500), undefined);
    const report = await driver.reconcile([c2]);
    assert.deepEqual(report.recreatedBridges, [bridge]);
    assert.ok((await nftTables()).includes(`table inet ${table}`));
    assert.equal(await httpGet(`http://127.0.0.1:${port2}/`), 'still here');
  });

  test('with no live container left, everything can go', async () => {
    const report = await driver.reconcile([]);
    assert.deepEqual(report.released.map((r) => r.containerId), [c2]);
    await assert.rejects(access(`/sys/class/net/${veth2}`));
    await driver.removeNetwork(net);
    assert.ok(!(await nftTables()).includes(`table inet ${table}`));
  });
});
