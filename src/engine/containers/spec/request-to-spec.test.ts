// From a create body to a validated spec, as for `docker run` with many flags.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { validateSpec } from '../../../oci/validate.js';
import { mergeImageConfig, parseCreateRequest } from '../config/index.js';
import { buildSpec } from './build-spec.js';
import { specInput } from './spec-input.test-helper.js';

test('docker run --rm -it --memory 64m --cpus 1.5 --cap-drop ALL --cap-add NET_BIND_SERVICE --read-only --tmpfs /run … nginx', () => {
  const req = parseCreateRequest(
    {
      Image: 'nginx',
      Tty: true,
      OpenStdin: true,
      Env: ['MODE=prod'],
      Cmd: null,
      Entrypoint: null,
      HostConfig: {
        AutoRemove: true,
        RestartPolicy: { Name: 'no' },
        Memory: 64 * 1024 * 1024,
        NanoCpus: 1.5e9,
        CapDrop: ['ALL'],
        CapAdd: ['NET_BIND_SERVICE'],
        ReadonlyRootfs: true,
        Tmpfs: { '/run': '' },
        SecurityOpt: ['no-new-privileges'],
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
        PidsLimit: 100,
        Init: true,
        ConsoleSize: [30, 100],
        Sysctls: { 'net.core.somaxconn': '1024' },
      },
    },
    { name: 'web' },
  );
  const config = mergeImageConfig(req.config, {
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NGINX_VERSION=1.25.3'],
    Entrypoint: ['/docker-entrypoint.sh'],
    Cmd: ['nginx', '-g', 'daemon off;'],
    ExposedPorts: { '80/tcp': {} },
    StopSignal: 'SIGQUIT',
  });
  const spec = validateSpec(buildSpec(specInput({ config, hostConfig: req.hostConfig, initPath: '/usr/bin/tini' })));
  assert.deepEqual(spec.process?.args, ['/sbin/docker-init', '--', '/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;']);
  assert.ok(spec.process?.env?.includes('NGINX_VERSION=1.25.3') && spec.process.env.includes('TERM=xterm') && spec.process.env.includes('MODE=prod'));
  assert.deepEqual(spec.process?.capabilities?.bounding, ['CAP_NET_BIND_SERVICE']);
  assert.equal(spec.process?.noNewPrivileges, true);
  assert.deepEqual(spec.process?.consoleSize, { height: 30, width: 100 });
  assert.equal(spec.root?.readonly, true);
  assert.deepEqual(spec.linux?.resources?.memory, { limit: 64 * 1024 * 1024, swap: 128 * 1024 * 1024 });
  assert.deepEqual(spec.linux?.resources?.cpu, { period: 100000, quota: 150000 });
  assert.deepEqual(spec.linux?.resources?.pids, { limit: 100 });
  assert.equal(spec.linux?.sysctl?.['net.core.somaxconn'], '1024');
  assert.ok(spec.mounts?.some((m) => m.destination === '/run' && m.type === 'tmpfs'));
  assert.ok(spec.linux?.seccomp?.syscalls?.length);
});
