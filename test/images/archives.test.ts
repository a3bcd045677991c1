/**
 * import, save and load through the berth CLI, with skopeo (which we did not
 * write) reading what berth saved; an imported image runs as a container.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cliEnv, stopCliDaemon } from '../fixtures/cli-daemon.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { repoRoot } from '../fixtures/paths.js';
import { buildRootfs } from '../fixtures/rootfs.js';
import { runCommand } from '../runtime/harness.js';

const root = process.getuid?.() === 0;
const BERTH = path.join(repoRoot(), 'bin', 'berth');

describe('import, save, load', { skip: !root && 'needs root' }, () => {
  let host: HostSnapshot;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const berth = (args: string[]) => runCommand(BERTH, args, { env });
  const ok = async (args: string[]) => {
    const r = await berth(args);
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
    return r;
  };

  before(async () => {
    host = await snapshotHost();
    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-archives-'));
    env = cliEnv(dir);
    const rootfs = await buildRootfs(path.join(dir, 'rootfs'));
    const tar = await runCommand('tar', ['-C', rootfs, '-czf', path.join(dir, 'rootfs.tar.gz'), '.']);
    assert.equal(tar.code, 0, tar.stderr);
  });

  after(async () => {
    if (env) await stopCliDaemon(env);
    await rm(dir, { recursive: true, force: true });
    await assertNoLeaks(host);
  });

  test('import turns a rootfs tarball into an image with the --change settings', async () => {
    const r = await ok(['import', '-c', 'CMD ["/bin/probe", "pidone"]', '-c', 'ENV GREETING=hi', '-c', 'WORKDIR /tmp', path.join(dir, 'rootfs.tar.gz'), 'berth-test/imported:1']);
    assert.match(r.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    const [img] = JSON.parse((await ok(['image', 'inspect', 'berth-test/imported:1'])).stdout) as { Id: string; Config: { Cmd: string[]; Env: string[]; WorkingDir: string } }[];
    assert.equal(img!.Id, r.stdout.trim());
    assert.deepEqual(img!.Config.Cmd, ['/bin/probe', 'pidone']);
    assert.ok(img!.Config.Env.includes('GREETING=hi'));
    assert.equal(img!.Config.WorkingDir, '/tmp');
    const bad = await berth(['import', '-c', 'RUN rm -rf /', path.join(dir, 'rootfs.tar.gz'), 'berth-test/bad:1']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unsupported --change instruction "RUN/);
  });

  test('the imported image runs as a container', async () => {
    const r = await ok(['run', '--rm', 'berth-test/imported:1']);
    assert.equal(r.stdout.trim(), '1', 'its CMD runs as pid 1');
  });

  test('save writes a docker-save archive that skopeo reads; load brings the image back', async () => {
    const archive = path.join(dir, 'saved.tar');
    await ok(['save', '-o', archive, 'berth-test/imported:1']);
    const inspected = await runCommand('skopeo', ['inspect', `docker-archive:${archive}`]);
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.equal((JSON.parse(inspected.stdout) as { Layers: string[] }).Layers.length, 1);
    await ok(['rmi', 'berth-test/imported:1']);
    assert.equal((await ok(['images', '-q'])).stdout, '');
    const loaded = await ok(['load', '-i', archive]);
    assert.equal(loaded.stdout.trim(), 'Loaded image: berth-test/imported:1');
    assert.match((await ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, /^berth-test\/imported:1$/m);
  });

  test('save --format oci writes an OCI layout archive that skopeo reads', async () => {
    const archive = path.join(dir, 'saved-oci.tar');
    await ok(['save', '--format', 'oci', '-o', archive, 'berth-test/imported:1']);
    const inspected = await runCommand('skopeo', ['inspect', `oci-archive:${archive}`]);
    assert.equal(inspected.code, 0, inspected.stderr);
  });

  test('a malformed archive is refused and tags nothing', async () => {
    const junk = path.join(dir, 'junk.tar');
    await writeFile(junk, Buffer.alloc(4096, 7));
    const r = await berth(['load', '-i', junk]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /invalid archive|not a tar/);
    assert.equal((await ok(['images', '-q'])).stdout.trim().split('\n').length, 1);
  });
});
