/**
 * A container in its own user namespace: root inside is an unprivileged
 * host uid outside; devices are bind-mounted since mknod is not allowed there.
 */
import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { makeBundle } from '../fixtures/bundle.js';
import { parseReport, parseSyscall } from '../fixtures/probe.js';
import { useRuntimeCli } from './harness.js';

const root = process.getuid?.() === 0;
const HOST_BASE = 200000;

describe('user namespace', { skip: !root && 'needs root' }, () => {
  const env = useRuntimeCli();

  test('root in the container is an unprivileged uid on the host', async () => {
    const bundle = await makeBundle({
      mutate: (s) => {
        s.linux!.namespaces!.push({ type: 'user' });
        s.linux!.uidMappings = [{ containerID: 0, hostID: HOST_BASE, size: 65536 }];
        s.linux!.gidMappings = [{ containerID: 0, hostID: HOST_BASE, size: 65536 }];
        s.process!.args = ['/bin/sh', '-c', '/bin/probe report; cat /proc/self/uid_map; touch /tmp/made-inside; /bin/probe syscall chown /etc/passwd 0 0'];
      },
    });
    try {
      // The container's root must be able to reach its rootfs: mkdtemp made the bundle 0700.
      await chmod(bundle.dir, 0o755);
      const r = await env.cli.run(['run', '--bundle', bundle.dir, bundle.id]);
      assert.equal(r.code, 0, r.stderr);
      const [reportLine, uidMap, chownLine] = r.stdout.trim().split('\n');
      const report = parseReport(reportLine!);
      assert.equal(report.uid, 0);
      assert.notEqual(report.namespaces['user'], readlinkSync('/proc/self/ns/user'), 'user namespace is the host\'s');
      assert.deepEqual(uidMap!.trim().split(/\s+/).map(Number), [0, HOST_BASE, 65536]);
      // A file created as container root belongs to the mapped uid on the host.
      assert.equal(statSync(path.join(bundle.rootfs, 'tmp/made-inside')).uid, HOST_BASE);
      // Host-root-owned files are unmapped inside: even container root cannot chown them.
      assert.equal(parseSyscall(chownLine!).errno, 'EPERM');
      assert.deepEqual(report.interfaces.map((i) => i.name), ['lo']);
    } finally {
      await bundle.cleanup();
    }
  });
});
