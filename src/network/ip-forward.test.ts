import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';

import { ForwardingSysctls } from './ip-forward.js';

let dir: string;
const put = async (key: string, v: string) => {
  await mkdir(dirname(join(dir, key)), { recursive: true });
  await writeFile(join(dir, key), `${v}\n`);
};
const get = async (key: string) => (await readFile(join(dir, key), 'utf8')).trim();

before(async () => {
  // A fake /proc/sys: the real one is shared by the whole host.
  dir = await mkdtemp(join(tmpdir(), 'berth-test-sysctl-'));
  await put('kernel/random/boot_id', 'boot-1');
  await put('net/ipv4/ip_forward', '0');
  await put('net/ipv4/conf/all/accept_redirects', '0');
  await put('net/ipv4/conf/all/forwarding', '0');
  await put('net/ipv4/conf/default/forwarding', '0');
  await put('net/ipv4/conf/eth0/forwarding', '1');
  await put('net/ipv4/conf/lo/forwarding', '0');
});

after(() => rm(dir, { recursive: true, force: true }));

test('saves what writing ip_forward rewrites, and puts each value back', async () => {
  const sys = new ForwardingSysctls(dir);
  const saved = await sys.snapshot();
  assert.equal(saved.bootId, 'boot-1');
  assert.deepEqual(saved.values, {
    'net/ipv4/ip_forward': '0',
    'net/ipv4/conf/all/accept_redirects': '0',
    'net/ipv4/conf/default/forwarding': '0',
    'net/ipv4/conf/eth0/forwarding': '1',
    'net/ipv4/conf/lo/forwarding': '0',
  });
  await sys.enable();
  assert.equal(await get('net/ipv4/ip_forward'), '1');
  // What the kernel does on that write (inet_forward_change):
  for (const d of ['default', 'eth0', 'lo']) await put(`net/ipv4/conf/${d}/forwarding`, '1');
  await put('net/ipv4/conf/all/accept_redirects', '0');
  await sys.restore(saved);
  // ...and on writing 0 back: every device 0, accept_redirects 1.
  for (const [k, v] of Object.entries(saved.values)) assert.equal(await get(k), v, k);
});
