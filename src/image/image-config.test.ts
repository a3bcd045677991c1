import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { isBerthError } from '../errors.js';
import { configPlatform, parseImageConfig } from './image-config.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

// The shape docker writes, nulls and legacy fields included.
const busybox = {
  architecture: 'arm64',
  variant: 'v8',
  os: 'linux',
  created: '2023-07-18T23:19:33.655005962Z',
  container: 'abc',
  container_config: { Cmd: ['/bin/sh'] },
  docker_version: '20.10.23',
  config: {
    Hostname: '',
    User: '',
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    Cmd: ['sh'],
    Entrypoint: null,
    Image: 'sha256:xyz',
    Volumes: null,
    WorkingDir: '',
    OnBuild: null,
    Labels: null,
    ExposedPorts: { '80/tcp': {} },
    StopSignal: 'SIGTERM',
    Healthcheck: { Test: ['CMD', 'true'], Interval: 30000000000, Retries: 3 },
    ArgsEscaped: true,
  },
  rootfs: { type: 'layers', diff_ids: [d('a'), d('b')] },
  history: [
    { created: '2023-07-18T23:19:33Z', created_by: '/bin/sh -c #(nop) ADD file:… in / ' },
    { created: '2023-07-18T23:19:33Z', created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
  ],
};

describe('parseImageConfig', () => {
  it('keeps what running needs and drops the rest', () => {
    const cfg = parseImageConfig(Buffer.from(JSON.stringify(busybox)));
    assert.deepEqual(cfg, {
      architecture: 'arm64',
      os: 'linux',
      variant: 'v8',
      created: '2023-07-18T23:19:33.655005962Z',
      config: {
        User: '',
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: ['sh'],
        WorkingDir: '',
        ExposedPorts: { '80/tcp': {} },
        StopSignal: 'SIGTERM',
        Healthcheck: { Test: ['CMD', 'true'], Interval: 30000000000, Retries: 3 },
        ArgsEscaped: true,
      },
      rootfs: { type: 'layers', diff_ids: [d('a'), d('b')] },
      history: [
        { created: '2023-07-18T23:19:33Z', created_by: '/bin/sh -c #(nop) ADD file:… in / ' },
        { created: '2023-07-18T23:19:33Z', created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
      ],
    });
    assert.deepEqual(configPlatform(cfg), { architecture: 'arm64', os: 'linux', variant: 'v8' });
  });

  it('accepts a minimal OCI config', () => {
    const cfg = parseImageConfig('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    assert.deepEqual(cfg, { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
  });

  it('rejects malformed configs, naming the field', () => {
    const cases: [unknown, RegExp][] = [
      ['{', /image config: invalid JSON/],
      [{ os: 'linux', rootfs: busybox.rootfs }, /image config\.architecture: is required/],
      [{ ...busybox, rootfs: { type: 'zfs', diff_ids: [] } }, /rootfs\.type: must be "layers", got "zfs"/],
      [{ ...busybox, rootfs: { type: 'layers', diff_ids: ['nope'] } }, /rootfs\.diff_ids\[0\] "nope": invalid digest format/],
      [{ ...busybox, config: { Cmd: 'sh' } }, /config\.Cmd: must be an array/],
      [{ ...busybox, config: { Env: [1] } }, /config\.Env\[0\]: must be a string/],
      [{ ...busybox, config: { Labels: { a: 1 } } }, /config\.Labels\.a: must be a string/],
      [{ ...busybox, history: [{ empty_layer: 'yes' }] }, /history\[0\]\.empty_layer: must be a boolean/],
    ];
    for (const [doc, re] of cases) {
      const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
      assert.throws(() => parseImageConfig(text), (e: unknown) => isBerthError(e, 'InvalidArgument') && re.test(e.message), String(re));
    }
  });
});
