/**
 * Bad images and refusals from a real registry (Debian's docker-registry):
 * layers that try to write outside their directory (`../../etc/x`, a file
 * under a symlink they planted, hardlinks to host files), a blob the
 * registry lost, a manifest list without the host's platform, 401 without
 * credentials, 404 for what is not there. Each pull fails with one plain
 * message naming the cause (the entry, the blob, the platforms there are);
 * nothing is written outside berth's root; no snapshot is left half-made;
 * and the image pulled first stays listed and unpacks to its files.
 *
 * The malicious images are made byte by byte (crafted-image.ts) and pushed
 * with skopeo: a registry stores whatever tar it is given.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ImageService } from '../../src/engine/images/image-service.js';
import type { ImageSummary } from '../../src/engine/images/views.js';
import { isBerthError } from '../../src/errors.js';
import { formatPlatform, hostPlatform } from '../../src/image/platform.js';
import type { TestEntry } from '../../src/image/unpack/test-tar.js';
import { mountAll, unmount } from '../../src/snapshot/mount-all.js';
import { cliEnv, stopCliDaemon } from '../fixtures/cli-daemon.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { repoRoot } from '../fixtures/paths.js';
import { craftImage, craftIndex, pushCrafted, type CraftedImage } from '../fixtures/registry/crafted-image.js';
import { startRegistry, type TestRegistry } from '../fixtures/registry/registry.js';
import { pushTestImage, TEST_IMAGE_EXPECTED, type PushedImage } from '../fixtures/registry/test-image.js';
import { runCommand } from '../runtime/harness.js';
import { assertImageIntact, assertStoreSound, listed, rejection } from './pull-checks.js';

const root = process.getuid?.() === 0;
const BERTH = path.join(repoRoot(), 'bin', 'berth');
/** Enough "../" to climb from any layer directory to "/". */
const UP = '../'.repeat(40);

describe('pulling bad images', { skip: !root && 'needs root' }, () => {
  let hostBefore: HostSnapshot;
  let registry: TestRegistry;
  let dir: string;
  let images: ImageService;
  let present: PushedImage;
  let presentBefore: ImageSummary;
  /** A host directory the layers aim at, and the file in it. */
  let victimDir: string;
  let victim: string;
  const victimContent = 'a host file no image may touch\n';
  const etcX = '/etc/x';
  let etcXExisted: boolean;

  const snapshotNames = async () => (await images.stores.snapshots.list()).map((s) => s.name).sort();

  /** Nothing outside berth's root changed: the victim file, its directory, /etc/x. */
  const assertHostUntouched = async () => {
    assert.equal(await readFile(victim, 'utf8'), victimContent);
    const st = await stat(victim);
    assert.equal(st.nlink, 1, 'no hardlink was made to the host file');
    assert.deepEqual(await readdir(victimDir), ['victim.txt']);
    assert.equal(existsSync(etcX), etcXExisted, `${etcX} appeared`);
    // "../../etc/x" from a layer directory (<root>/snapshots/<id>/fs) would be <root>/snapshots/etc/x.
    assert.equal(existsSync(path.join(images.stores.snapshots.dir, 'etc')), false);
  };

  const stillSound = async () => {
    await assertHostUntouched();
    await assertStoreSound(images);
    await assertImageIntact(images, present.reference, presentBefore, TEST_IMAGE_EXPECTED, dir);
  };

  const push = (repo: string, img: CraftedImage) => pushCrafted(registry.host, repo, 'v1', img.manifest, [img]);

  before(async () => {
    hostBefore = await snapshotHost();
    etcXExisted = existsSync(etcX);
    registry = await startRegistry();
    present = await pushTestImage(registry.host, 'berth/present', { tag: '1.0' });
    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-pull-bad-'));
    victimDir = path.join(dir, 'host');
    victim = path.join(victimDir, 'victim.txt');
    await mkdir(victimDir);
    await writeFile(victim, victimContent);
    images = await ImageService.open({ root: path.join(dir, 'root'), dockerConfigDir: path.join(dir, 'docker') });
    await images.pull(present.reference);
    presentBefore = (await listed(images, present.reference))!;
    assert.ok(presentBefore);
  });

  /** Daemons the CLI started in these tests, stopped at the end. */
  const cliEnvs: NodeJS.ProcessEnv[] = [];

  after(async () => {
    for (const env of cliEnvs) await stopCliDaemon(env);
    images?.close();
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    await assertNoLeaks(hostBefore);
  });

  const malicious: { name: string; entries: () => TestEntry[]; message: (v: string) => string }[] = [
    {
      name: 'traversal',
      entries: () => [{ name: 'etc/fine', data: 'harmless\n' }, { name: '../../etc/x', data: 'pwned\n' }],
      message: () => 'contains an unsafe path "../../etc/x" (it leaves the layer root)',
    },
    {
      name: 'deep-traversal',
      entries: () => [{ name: `${UP}${victim.slice(1)}`, data: 'pwned\n' }],
      message: (v) => `contains an unsafe path ${JSON.stringify(`${UP}${v.slice(1)}`)} (it leaves the layer root)`,
    },
    {
      name: 'symlink-parent',
      entries: () => [
        { name: 'escape', type: 'symlink', linkname: victimDir },
        { name: 'escape/victim.txt', data: 'pwned\n' },
      ],
      message: () => 'contains an unsafe path "escape/victim.txt" (its parent "escape" is a symlink)',
    },
    {
      name: 'symlink-parent-dir',
      entries: () => [
        { name: 'escape', type: 'symlink', linkname: `${UP}${victimDir.slice(1)}` },
        { name: 'escape/planted/', type: 'dir' },
      ],
      message: () => 'contains an unsafe path "escape/planted/" (its parent "escape" is a symlink)',
    },
    {
      name: 'hardlink-climb',
      entries: () => [{ name: 'link', type: 'hardlink', linkname: `${UP}${victim.slice(1)}` }],
      message: (v) => `contains an unsafe path "link" (its hardlink target ${JSON.stringify(`${UP}${v.slice(1)}`)}: it leaves the layer root)`,
    },
    {
      name: 'hardlink-absolute',
      entries: () => [{ name: 'passwd', type: 'hardlink', linkname: victim }],
      message: (v) => `hardlink "passwd" points to ${JSON.stringify(v)}, which is not in this layer`,
    },
    {
      name: 'hardlink-via-symlink',
      entries: () => [
        { name: 'escape', type: 'symlink', linkname: victimDir },
        { name: 'grab', type: 'hardlink', linkname: 'escape/victim.txt' },
      ],
      message: () => 'contains an unsafe path "grab" (its parent "escape" is a symlink)',
    },
  ];

  for (const c of malicious) {
    test(`a layer with ${c.name} is refused, naming the entry; nothing outside is touched`, async () => {
      const img = craftImage([c.entries()], { label: c.name });
      const ref = await push(`berth/evil-${c.name}`, img);
      const before = await snapshotNames();
      const e = await rejection(images.pull(ref));
      assert.ok(isBerthError(e, 'InvalidArgument'), String(e));
      assert.equal(e.message, `image "${ref}": layer ${img.layers[0]!.desc.digest}: ${c.message(victim)}`);
      assert.deepEqual(await snapshotNames(), before, 'no snapshot made or left');
      assert.equal(await listed(images, ref), undefined);
      await stillSound();
    });
  }

  test('a bad layer on a good one: the good one stays as a committed layer, which prune removes', async () => {
    const img = craftImage([[{ name: 'etc/base', data: 'good base\n' }], [{ name: '../../etc/x', data: 'pwned\n' }]], { label: 'two' });
    const ref = await push('berth/evil-two-layers', img);
    const before = await snapshotNames();
    const e = await rejection(images.pull(ref));
    assert.equal(e.message, `image "${ref}": layer ${img.layers[1]!.desc.digest}: contains an unsafe path "../../etc/x" (it leaves the layer root)`);
    const added = (await snapshotNames()).filter((n) => !before.includes(n));
    assert.deepEqual(added, [img.layers[0]!.diffId], 'only the good bottom layer (its chainID is its diffID), committed');
    await stillSound();
    await images.prune();
    assert.deepEqual(await snapshotNames(), before);
    await stillSound();
  });

  test('a symlink in one layer and a file under its name in the next: unpacked inside the image, not through the link', async () => {
    const img = craftImage(
      [[{ name: 'escape', type: 'symlink', linkname: victimDir }], [{ name: 'escape/victim.txt', data: 'from the image\n' }]],
      { label: 'cross-layer' },
    );
    const ref = await push('berth/cross-layer', img);
    await images.pull(ref);
    await stillSound();
    const rootfs = path.join(dir, 'cross-rootfs');
    await mkdir(rootfs);
    const { mounts } = await images.prepareRootfs(ref, 'cross-layer-check');
    try {
      await mountAll(mounts, rootfs);
      try {
        assert.ok((await lstat(path.join(rootfs, 'escape'))).isDirectory(), 'the upper layer\'s directory hides the symlink');
        assert.equal(await readFile(path.join(rootfs, 'escape', 'victim.txt'), 'utf8'), 'from the image\n');
      } finally {
        await unmount(rootfs);
      }
    } finally {
      await images.releaseRootfs('cross-layer-check');
    }
    await images.remove(ref);
    await assertHostUntouched();
  });

  test('a layer the registry lost: 404 for the blob, named', async () => {
    const img = craftImage([[{ name: 'etc/lost', data: 'gone from the registry\n' }]], { label: 'lost' });
    const ref = await push('berth/lost', img);
    const hex = img.layers[0]!.desc.digest.slice('sha256:'.length);
    await rm(path.join(registry.storageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex), { recursive: true });
    const e = await rejection(images.pull(ref));
    assert.ok(isBerthError(e, 'NotFound'), String(e));
    assert.equal(e.message, `image "${ref}": registry ${registry.host}: blob ${img.layers[0]!.desc.digest} not found in ${registry.host}/berth/lost`);
    await stillSound();
  });

  test('404: an unknown repository or tag is "not found", said once', async () => {
    for (const ref of [`${registry.host}/berth/nothing:here`, `${registry.host}/berth/present:nope`]) {
      const e = await rejection(images.pull(ref));
      assert.ok(isBerthError(e, 'NotFound'), String(e));
      assert.equal(e.message, `image "${ref}": manifest for ${ref} not found: manifest unknown`);
    }
    await stillSound();
  });

  test('a manifest list without the host\'s platform: the message lists what there is; --platform picks one', async () => {
    const host = hostPlatform();
    const others = [
      { os: 'linux', architecture: 's390x' },
      host.architecture === 'arm64' ? { os: 'linux', architecture: 'ppc64le' } : { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ];
    const variants = others.map((p) => craftImage([[{ name: 'etc/arch', data: `${p.architecture}\n` }]], { platform: p, label: p.architecture }));
    const index = craftIndex(variants);
    const ref = await pushCrafted(registry.host, 'berth/multi', 'v1', index, variants);
    const available = others.map(formatPlatform).join(', ');

    const e = await rejection(images.pull(ref));
    assert.ok(isBerthError(e, 'NotFound'), String(e));
    assert.equal(e.message, `no matching manifest for ${formatPlatform(host)} in the manifest list entries (available: ${available})`);
    await stillSound();

    // The same through the CLI, and the platform that is there.
    const env = cliEnv(path.join(dir, 'cli'), { DOCKER_CONFIG: path.join(dir, 'docker') });
    cliEnvs.push(env);
    const berth = (args: string[]) => runCommand(BERTH, args, { env });
    const refused = await berth(['pull', ref]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `Error response from daemon: no matching manifest for ${formatPlatform(host)} in the manifest list entries (available: ${available})\n`);
    const wrong = await berth(['pull', '--platform', 'linux/riscv64', ref]);
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr, `Error response from daemon: no matching manifest for linux/riscv64 in the manifest list entries (available: ${available})\n`);
    const wanted = others[1]!;
    const ok = await berth(['pull', '--platform', `${wanted.os}/${wanted.architecture}`, ref]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim().split('\n').at(-1), ref);
    const inspected = await berth(['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', ref]);
    assert.equal(inspected.stdout.trim(), `${wanted.os}/${wanted.architecture}`, inspected.stderr);
  });

  test('401: a registry that wants a login says so, through the API and the CLI', async () => {
    const locked = await startRegistry({ auth: 'htpasswd' });
    try {
      const image = craftImage([[{ name: 'etc/secret', data: 'behind a password\n' }]], { label: 'locked' });
      const ref = `${locked.host}/berth/locked:v1`;
      await pushCrafted(locked.host, 'berth/locked', 'v1', image.manifest, [image], { credentials: locked.credentials! });
      const e = await rejection(images.pull(ref));
      assert.ok(isBerthError(e, 'FailedPrecondition'), String(e));
      assert.equal(e.message, `registry ${locked.host}: unauthorized: authentication required`);
      const env = cliEnv(path.join(dir, 'cli'), { DOCKER_CONFIG: path.join(dir, 'docker') });
    cliEnvs.push(env);
      const r = await runCommand(BERTH, ['pull', ref], { env });
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `Error response from daemon: registry ${locked.host}: unauthorized: authentication required\n`);
      await stillSound();
    } finally {
      await locked.stop();
    }
  });
});

