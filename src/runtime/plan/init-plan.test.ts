import assert from 'node:assert/strict';
import { test } from 'node:test';

import { defaultSpec } from '../../oci/defaults.js';
import type { HostFacts } from '../host.js';
import { buildInitPlan, type InitPlanInput } from './init-plan.js';
import { encodePlan } from './ops.js';

const host: HostFacts = { capLastCap: 40, hardLimits: new Map([['nofile', 20000n]]), effectiveCaps: 0n, boundingCaps: 0n };

function input(over: Partial<InitPlanInput> = {}): InitPlanInput {
  const spec = defaultSpec();
  spec.process!.terminal = false;
  return { spec, bundle: '/b', rootfs: '/b/rootfs', stateDir: '/run/x/c1', cgroupProcsDirs: ['/sys/fs/cgroup/c1'], hierarchies: [], host, foreground: false, preserveFds: 0, ...over };
}

test('the order of the first steps: gate, device program, cgroup, then the clone', () => {
  const ops = buildInitPlan(input({ deviceFilter: { cgroupDir: '/sys/fs/cgroup/c1', program: Buffer.alloc(8) } })).map((o) => o.op);
  const at = (name: string) => ops.indexOf(name as (typeof ops)[number]);
  assert.ok(at('gate_open') < at('device_filter'));
  assert.ok(at('device_filter') < at('cgroup_join'), 'no process may be in the cgroup before its device program');
  assert.ok(at('cgroup_join') < at('clone'));
  assert.ok(at('pivot_root') < at('exec'));
  assert.equal(ops.at(-1), 'exec');
});

test('the process steps come in the order the kernel needs', () => {
  const ops = buildInitPlan(input()).map((o) => o.op);
  const order = ['rlimit', 'caps_bounding', 'user', 'caps', 'no_new_privs', 'lookup', 'ready', 'wait_start', 'exec'];
  const positions = order.map((o) => ops.indexOf(o as (typeof ops)[number]));
  assert.deepEqual([...positions].sort((a, b) => a - b), positions, `order: ${ops.join(' ')}`);
});

test('an rlimit above the host hard limit is refused naming the field and the limit', () => {
  const i = input();
  i.spec.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 1048576 }];
  assert.throws(() => buildInitPlan(i), /process\.rlimits\[0\]: RLIMIT_NOFILE hard limit 1048576 exceeds this host's hard limit 20000/);
});

test('the wire format is NUL-terminated fields ending in "end", lists counted', () => {
  const wire = encodePlan([{ op: 'exec', argv: ['/bin/sh', '-c', 'echo hi'], env: ['A=1'] }]).toString();
  assert.equal(wire, 'exec\x003\x00/bin/sh\x00-c\x00echo hi\x001\x00A=1\x00end\x00');
  assert.throws(() => encodePlan([{ op: 'chdir', path: 'a\0b' }]), /NUL byte/);
});
