/** Network namespaces as files: created with loopback up, joined by path, removed without a trace. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, readlink } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { isBerthError } from '../../src/errors.js';
import { createNetns, removeNetns } from '../../src/network/index.js';
import { mountTargets } from '../fixtures/host-leaks.js';
import { assertHostNetRestored, runSuffix, snapshotHostNet, type HostNetSnapshot } from './host-net.js';
import { Sandbox } from './sandbox.js';

const execFileP = promisify(execFile);
const root = process.getuid?.() === 0;

describe('network namespace files', { skip: !root && 'needs root' }, () => {
  let host: HostNetSnapshot;
  let sb: Sandbox;

  before(async () => {
    const suffix = runSuffix();
    host = await snapshotHostNet(suffix);
    sb = await Sandbox.create(suffix);
  });

  after(async () => {
    await sb?.dispose();
    await assertHostNetRestored(host);
  });

  test('a new namespace is its own, with loopback up, and can be joined by path', async () => {
    const path = `${sb.dir}/ns-a`;
    await createNetns(path);
    try {
      assert.ok((await mountTargets()).includes(path));
      const inside = await execFileP('nsenter', [`--net=${path}`, 'readlink', '/proc/self/ns/net']);
      assert.notEqual(inside.stdout.trim(), await readlink('/proc/self/ns/net'));
      const lo = await execFileP('nsenter', [`--net=${path}`, 'ip', '-o', 'link', 'show', 'lo']);
      assert.match(lo.stdout, /<LOOPBACK,UP,LOWER_UP>/);
      const links = await execFileP('nsenter', [`--net=${path}`, 'ip', '-o', 'link', 'show']);
      assert.equal(links.stdout.trim().split('\n').length, 1, 'only loopback');
    } finally {
      await removeNetns(path);
    }
    assert.ok(!(await mountTargets()).includes(path));
    await assert.rejects(access(path));
  });

  test('an existing path is refused and left alone', async () => {
    const path = `${sb.dir}/ns-b`;
    await createNetns(path);
    try {
      await assert.rejects(createNetns(path), (e) => isBerthError(e, 'AlreadyExists'));
      assert.ok((await mountTargets()).includes(path));
    } finally {
      await removeNetns(path);
    }
  });

  test('removing twice, or a namespace never created, is not an error', async () => {
    const path = `${sb.dir}/ns-c`;
    await createNetns(path);
    await removeNetns(path);
    await removeNetns(path);
    await removeNetns(`${sb.dir}/never`);
  });
});
