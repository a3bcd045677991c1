import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { assertRejectsInvalid } from '../config/invalid.test-helper.js';
import { devNumbers, hostDevices, resolveBlkioDevices, resolveDevices } from './host-devices.js';

test('dev_t numbers as glibc splits them', () => {
  assert.deepEqual(devNumbers(0x0801n), { major: 8, minor: 1 });
  assert.deepEqual(devNumbers(0x103n), { major: 1, minor: 3 });
  // glibc makedev(259, 65536): numbers beyond the old 8-bit fields
  const makedev = (ma: bigint, mi: bigint) => ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
  assert.deepEqual(devNumbers(makedev(259n, 65536n)), { major: 259, minor: 65536 });
  assert.deepEqual(devNumbers(makedev(4096n, 3n)), { major: 4096, minor: 3 });
});

test('a --device node with its numbers, its path in the container and its permissions', async () => {
  const [d] = await resolveDevices([{ PathOnHost: '/dev/null', PathInContainer: '/dev/mynull', CgroupPermissions: 'rw' }]);
  assert.equal(d?.type, 'c');
  assert.equal(d?.path, '/dev/mynull');
  assert.deepEqual([d?.major, d?.minor, d?.permissions], [1, 3, 'rw']);
  const [e] = await resolveDevices([{ PathOnHost: '/dev/zero' }]);
  assert.deepEqual([e?.path, e?.permissions], ['/dev/zero', 'rwm']);
});

test('what is not a device is refused in Docker words', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-dev-'));
  try {
    writeFileSync(path.join(dir, 'file'), '');
    await assertRejectsInvalid(
      () => resolveDevices([{ PathOnHost: path.join(dir, 'file') }]),
      /^HostConfig\.Devices\[0\]: error gathering device information while adding custom device ".*\/file": not a device node$/,
    );
    await assertRejectsInvalid(() => resolveDevices([{ PathOnHost: dir }]), /not a device node/);
    await assertRejectsInvalid(() => resolveDevices([{ PathOnHost: path.join(dir, 'none') }]), /no such file or directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the host's devices for a privileged container", async () => {
  const all = await hostDevices();
  assert.ok(all.some((d) => d.path === '/dev/null' && d.major === 1 && d.minor === 3));
  assert.ok(!all.some((d) => d.path.startsWith('/dev/pts/') || d.path === '/dev/console'));
});

test('blkio limits need block devices', async () => {
  await assertRejectsInvalid(() => resolveBlkioDevices({ BlkioDeviceReadBps: [{ Path: '/dev/null', Rate: 1 }] }), /^HostConfig\.BlkioDeviceReadBps\[0\]: \/dev\/null is not a block device$/);
  assert.deepEqual(await resolveBlkioDevices({}), {
    weightDevice: [],
    throttleReadBpsDevice: [],
    throttleWriteBpsDevice: [],
    throttleReadIOPSDevice: [],
    throttleWriteIOPSDevice: [],
  });
});
