/**
 * What a container's network costs: time and programs spawned for each step
 * at container start (namespace, attach, publish) and stop (detach, remove
 * the namespace), over a number of rounds. Reported as test diagnostics.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { BridgeDriver, createNetns, parsePortSpec, removeNetns, runCommand, type CommandRunner } from '../../src/network/index.js';
import { assertHostNetRestored, runSuffix, snapshotHostNet, type HostNetSnapshot } from './host-net.js';
import { Sandbox, freeSubnet } from './sandbox.js';

const root = process.getuid?.() === 0;
const ROUNDS = 20;

type Step = 'createNetns' | 'attach' | 'publish' | 'detach' | 'removeNetns';

describe('network cost per container', { skip: !root && 'needs root' }, () => {
  let host: HostNetSnapshot;
  let sb: Sandbox;
  let driver: BridgeDriver;
  let spawns = 0;
  const counting: CommandRunner = (cmd) => {
    spawns++;
    return runCommand(cmd);
  };

  before(async () => {
    const suffix = runSuffix();
    host = await snapshotHostNet(suffix);
    sb = await Sandbox.create(suffix);
    driver = await BridgeDriver.open({ stateDir: `${sb.dir}/state`, table: `berth_test_${suffix}`, run: counting });
    await driver.createNetwork({ name: 'cost', bridge: `bt${suffix}c`, subnet: await freeSubnet(24) });
  });

  after(async () => {
    await driver?.removeNetwork('cost').catch(() => undefined);
    await sb?.dispose();
    await assertHostNetRestored(host);
  });

  test(`${ROUNDS} containers, one after another`, async (t) => {
    const times: Record<Step, number[]> = { createNetns: [], attach: [], publish: [], detach: [], removeNetns: [] };
    const calls: Record<Step, number[]> = { createNetns: [], attach: [], publish: [], detach: [], removeNetns: [] };
    const step = async (name: Step, op: () => Promise<unknown>) => {
      const n = spawns;
      const t0 = performance.now();
      await op();
      times[name].push(performance.now() - t0);
      calls[name].push(spawns - n);
    };
    for (let i = 0; i < ROUNDS; i++) {
      const containerId = randomBytes(32).toString('hex');
      const ns = `${sb.dir}/ns-${i}`;
      await step('createNetns', () => createNetns(ns, counting));
      await step('attach', () => driver.attach({ containerId, netnsPath: ns }, 'cost'));
      await step('publish', () => driver.publish(containerId, parsePortSpec('80')));
      await step('detach', () => driver.detach(containerId, 'cost'));
      await step('removeNetns', () => removeNetns(ns, counting));
    }
    for (const name of Object.keys(times) as Step[]) {
      t.diagnostic(`${name}: median ${median(times[name]).toFixed(1)} ms, max ${Math.max(...times[name]).toFixed(1)} ms, ${calls[name][0]} spawn(s)`);
    }
    const startup = times.attach.map((a, i) => a + (times.publish[i] ?? 0));
    t.diagnostic(`attach + publish: median ${median(startup).toFixed(1)} ms`);
    assert.deepEqual(
      Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, Math.max(...v)])),
      { createNetns: 1, attach: 1, publish: 1, detach: 2, removeNetns: 1 },
    );
  });
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
