import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCapability } from './capabilities.js';
import {
  DEFAULT_CAPABILITIES,
  DEFAULT_DEVICE_CGROUP_RULES,
  DEFAULT_DEVICES,
  DEFAULT_MASKED_PATHS,
  DEFAULT_MOUNTS,
  DEFAULT_READONLY_PATHS,
  defaultSpec,
} from './defaults.js';
import { MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RDONLY, MS_STRICTATIME, parseMountOptions } from './mount-options.js';
import { validateSpec } from './validate.js';

describe('defaults', () => {
  it("has Docker's 14 capabilities, all known", () => {
    assert.equal(DEFAULT_CAPABILITIES.length, 14);
    assert.equal(new Set(DEFAULT_CAPABILITIES).size, 14);
    for (const c of DEFAULT_CAPABILITIES) assert.ok(isCapability(c), c);
    assert.ok(!DEFAULT_CAPABILITIES.includes('CAP_SYS_ADMIN'));
  });

  it('has absolute masked and read-only paths', () => {
    for (const p of [...DEFAULT_MASKED_PATHS, ...DEFAULT_READONLY_PATHS]) assert.match(p, /^\/(proc|sys)\//);
    assert.ok(DEFAULT_MASKED_PATHS.includes('/proc/kcore'));
    assert.ok(DEFAULT_READONLY_PATHS.includes('/proc/sys'));
  });

  it('mounts /dev, /sys and cgroups as Docker does', () => {
    const byDest = new Map(DEFAULT_MOUNTS.map((m) => [m.destination, m]));
    assert.deepEqual([...byDest.keys()], ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup']);
    const dev = parseMountOptions(byDest.get('/dev')?.options);
    assert.equal(dev.flags, MS_NOSUID | MS_STRICTATIME);
    assert.equal(dev.data, 'mode=755,size=65536k');
    assert.equal(byDest.get('/dev/pts')?.type, 'devpts');
    assert.equal(parseMountOptions(byDest.get('/sys')?.options).flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
    assert.ok((parseMountOptions(byDest.get('/sys/fs/cgroup')?.options).flags & MS_RDONLY) !== 0);
  });

  it('lists the default character devices', () => {
    assert.deepEqual(
      DEFAULT_DEVICES.map((d) => `${d.path} ${d.type} ${d.major}:${d.minor} ${d.fileMode?.toString(8)}`),
      ['/dev/null c 1:3 666', '/dev/zero c 1:5 666', '/dev/full c 1:7 666', '/dev/random c 1:8 666', '/dev/urandom c 1:9 666', '/dev/tty c 5:0 666'],
    );
  });

  it('denies all devices first, then allows the defaults and the ptys', () => {
    const [first, ...rest] = DEFAULT_DEVICE_CGROUP_RULES;
    assert.deepEqual(first, { allow: false, access: 'rwm' });
    assert.ok(rest.every((r) => r.allow));
    const rwm = rest.filter((r) => r.access === 'rwm').map((r) => `${r.type} ${r.major ?? '*'}:${r.minor ?? '*'}`);
    for (const d of DEFAULT_DEVICES) assert.ok(rwm.includes(`c ${d.major}:${d.minor}`), d.path);
    assert.ok(rwm.includes('c 5:2'));
    assert.ok(rwm.includes('c 136:*'));
  });

  it('freezes the shared data', () => {
    assert.ok(Object.isFrozen(DEFAULT_MOUNTS));
    assert.ok(Object.isFrozen(DEFAULT_MOUNTS[0]?.options));
    assert.throws(() => (DEFAULT_CAPABILITIES as string[]).push('CAP_SYS_ADMIN'));
  });

  it('defaultSpec is what runc spec writes, valid and fresh each time', () => {
    const spec = defaultSpec();
    assert.equal(spec.ociVersion, '1.0.2-dev');
    assert.deepEqual(spec.process?.args, ['sh']);
    assert.equal(spec.process?.terminal, true);
    assert.deepEqual(spec.root, { path: 'rootfs', readonly: true });
    assert.deepEqual(
      spec.linux?.namespaces?.map((n) => n.type),
      ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup'],
    );
    validateSpec(spec);
    spec.mounts?.pop();
    assert.equal(defaultSpec().mounts?.length, DEFAULT_MOUNTS.length);
  });
});
