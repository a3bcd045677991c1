/**
 * A Docker SDK from npm (dockerode), unchanged, against berthd: create,
 * attach, start, exec, wait and remove a container.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';

import Docker from 'dockerode';

import { busyboxTarball } from '../fixtures/busybox-image.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { runCommand } from '../runtime/harness.js';
import { startDaemon, type DaemonProcess } from './daemon-process.js';

const root = process.getuid?.() === 0;
const DOCKER = '/usr/local/bin/docker';
const IMAGE = 'berth-test/busybox:1';

function collect(stream: NodeJS.ReadableStream): { text: () => string } {
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { text: () => text };
}

describe('dockerode drives berthd', { skip: (!root && 'needs root') || (!existsSync(DOCKER) && `needs ${DOCKER} to import the image`) }, () => {
  let host: HostSnapshot;
  let dir: string;
  let daemon: DaemonProcess;
  let docker: Docker;

  before(async () => {
    host = await snapshotHost();
    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-sdk-'));
    daemon = await startDaemon(dir);
    const env = { ...process.env, DOCKER_HOST: daemon.host, DOCKER_CONFIG: path.join(dir, 'cli-docker') };
    const r = await runCommand(DOCKER, ['import', '--change', 'CMD ["sh"]', await busyboxTarball(dir), IMAGE], { env });
    assert.equal(r.code, 0, r.stderr);
    docker = new Docker({ socketPath: daemon.socket });
  });

  after(async () => {
    if (daemon) assert.equal(await daemon.stop(), 0);
    if (dir) await rm(dir, { recursive: true, force: true });
    await assertNoLeaks(host);
  });

  test('create, attach, start, exec, wait, remove', async () => {
    const container = await docker.createContainer({
      Image: IMAGE,
      name: 'sdk',
      Cmd: ['sh', '-c', 'read line; echo "got $line"; echo oops >&2; sleep 1000'],
      OpenStdin: true,
      StdinOnce: false,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    container.modem.demuxStream(stream, stdout, stderr);
    const out = collect(stdout);
    const err = collect(stderr);
    await container.start();
    stream.write('hello\n');
    for (let i = 0; i < 100 && !(out.text().includes('got hello') && err.text().includes('oops')); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(out.text(), 'got hello\n');
    assert.equal(err.text(), 'oops\n');

    const exec = await container.exec({ Cmd: ['sh', '-c', 'echo from exec; exit 3'], AttachStdout: true, AttachStderr: true });
    const execStream = await exec.start({ hijack: true, stdin: false });
    const execOut = new PassThrough();
    container.modem.demuxStream(execStream, execOut, new PassThrough());
    const execText = collect(execOut);
    await new Promise((resolve) => execStream.on('end', resolve));
    assert.equal(execText.text(), 'from exec\n');
    assert.equal((await exec.inspect()).ExitCode, 3);

    const info = await container.inspect();
    assert.equal(info.State.Running, true);
    await container.kill();
    assert.equal((await container.wait()).StatusCode, 137);
    await container.remove();
    assert.deepEqual(await docker.listContainers({ all: true }), []);
    (stream as unknown as { destroy(): void }).destroy();
  });
});
