/**
 * The cgroup v2 device program at work in the kernel: a process in a
 * cgroup2 directory with the program attached may open what the rules
 * allow and nothing else. On a hybrid host (v1 controllers plus a cgroup2)
 * this runs in the cgroup2 alone, so the v1 device controller plays no part.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmdirSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { launch } from '../core-client.js';
import { compileDeviceFilter } from './device-filter.js';

function cgroup2Mount(): string | undefined {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (right?.startsWith('cgroup2 ')) return left?.split(' ')[4];
  }
  return undefined;
}

const mount = cgroup2Mount();

test('the device program allows what the rules allow and refuses the rest', { skip: (process.getuid?.() !== 0 && 'needs root') || (!mount && 'no cgroup2 mounted') }, async () => {
  const dir = path.join(mount as string, `berth-test-devices-${process.pid}`);
  mkdirSync(dir);
  try {
    const program = compileDeviceFilter([
      { allow: false, access: 'rwm' },
      { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' }, // /dev/null
      { allow: true, type: 'c', major: 1, minor: 5, access: 'm' }, // /dev/zero: mknod only
    ]);
    const script = [
      'echo x > /dev/null && echo null-write-ok',
      'head -c1 /dev/zero > /dev/null 2>&1 && echo zero-read-ok || echo zero-read-denied',
      'head -c1 /dev/urandom > /dev/null 2>&1 && echo urandom-ok || echo urandom-denied',
    ].join('; ');
    const launched = await launch(
      [
        { op: 'mode', mode: 'foreground' },
        { op: 'device_filter', cgroupDir: dir, program },
        { op: 'cgroup_join', dir },
        { op: 'clone', flags: 0 },
        { op: 'lookup', name: '/bin/sh', pathEnv: '' },
        { op: 'close_fds', keepUpTo: 2 },
        { op: 'ready' },
        { op: 'exec', argv: ['/bin/sh', '-c', script], env: ['PATH=/usr/bin:/bin'] },
      ],
      { stdio: ['ignore', 'pipe', 'ignore'], foreground: true },
    );
    let out = '';
    launched.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const status = await launched.exited;
    await new Promise((r) => setImmediate(r));
    assert.equal(status.code, 0);
    assert.deepEqual(out.trim().split('\n'), ['null-write-ok', 'zero-read-denied', 'urandom-denied']);
  } finally {
    if (existsSync(dir)) rmdirSync(dir);
  }
});
