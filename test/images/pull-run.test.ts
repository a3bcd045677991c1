/**
 * Pull from a real registry (Debian's docker-registry on loopback), images
 * that skopeo and umoci wrote, then run them as containers on an overlay
 * rootfs through the runtime: what the layers say is there, is; what an
 * upper layer deleted, is not.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ImageService } from '../../src/engine/images/image-service.js';
import type { ProgressEvent } from '../../src/engine/images/progress.js';
import { LinuxRuntime } from '../../src/runtime/linux-runtime.js';
import { mountAll, unmount } from '../../src/snapshot/mount-all.js';
import { baseTestSpec } from '../fixtures/bundle.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { startRegistry } from '../fixtures/registry/registry.js';
import { pushTestImage, type PushedImage } from '../fixtures/registry/test-image.js';
import { runToCompletion } from '../runtime/in-process.js';

const root = process.getuid?.() === 0;

describe('pull and run', { skip: !root && 'needs root' }, () => {
  let host: HostSnapshot;
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let dir: string;
  let images: ImageService;
  let oci: PushedImage;
  let v2s2: PushedImage;

  before(async () => {
    host = await snapshotHost();
    registry = await startRegistry();
    oci = await pushTestImage(registry.host, 'berth/layers', { tag: 'oci' });
    v2s2 = await pushTestImage(registry.host, 'berth/layers', { tag: 'v2s2', format: 'v2s2' });
    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-images-'));
    images = await ImageService.open({ root: path.join(dir, 'root') });
  });

  after(async () => {
    images?.close();
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
    await assertNoLeaks(host);
  });

  for (const which of ['oci', 'v2s2'] as const) {
    test(`a pulled ${which} image runs with the files its layers leave`, async () => {
      const pushed = which === 'oci' ? oci : v2s2;
      const events: ProgressEvent[] = [];
      const pulled = await images.pull(pushed.reference, { onProgress: (e) => events.push(e) });
      assert.equal(pulled.digest, pushed.digest);
      // Every layer ends either downloaded and unpacked, or found here (the v2s2 image shares the oci one's layers).
      for (const layer of pushed.layers) {
        const last = events.filter((e) => e.id === layer.digest.slice(7, 19)).at(-1);
        assert.ok(last && ['Pull complete', 'Already exists'].includes(last.status), `layer ${layer.digest}: ${JSON.stringify(last)}`);
      }

      const bundle = path.join(dir, `bundle-${which}`);
      const rootfs = path.join(bundle, 'rootfs');
      await mkdir(rootfs, { recursive: true });
      const { mounts } = await images.prepareRootfs(pushed.reference, `container-${which}`);
      await mountAll(mounts, rootfs);
      try {
        const expected = pushed.expected;
        const spec = baseTestSpec(`berth-test-pull-${which}-${process.pid}`);
        const checks = [
          ...Object.keys(expected.files).map((f) => `cat ${f} >/dev/null && echo present ${f} || echo missing ${f}`),
          ...expected.absent.map((f) => `test -e ${f} && echo present ${f} || echo absent ${f}`),
        ];
        spec.process!.args = ['/bin/busybox', 'sh', '-c', checks.join('; ')];
        await writeFile(path.join(bundle, 'config.json'), JSON.stringify(spec));
        const runtime = new LinuxRuntime({ root: path.join(dir, `state-${which}`) });
        const out = await runToCompletion(runtime, { dir: bundle, id: `pull-${which}`, rootfs } as Parameters<typeof runToCompletion>[1]);
        assert.equal(out.status.code, 0, out.output);
        const lines = out.output.trim().split('\n');
        for (const f of Object.keys(expected.files)) assert.ok(lines.includes(`present ${f}`), `${f} missing:\n${out.output}`);
        for (const f of expected.absent) assert.ok(lines.includes(`absent ${f}`), `${f} should be gone:\n${out.output}`);
      } finally {
        await unmount(rootfs);
        await images.releaseRootfs(`container-${which}`);
      }
    });
  }

  test('a second pull of the same image downloads nothing and says so', async () => {
    const events: ProgressEvent[] = [];
    const again = await images.pull(oci.reference, { onProgress: (e) => events.push(e) });
    assert.equal(again.downloaded, false);
    assert.ok(events.some((e) => e.status.startsWith('Status: Image is up to date')), JSON.stringify(events.filter((e) => !e.id)));
  });

  test('images lists both tags; removing one keeps the layers the other uses; removing the last frees them', async () => {
    const list = await images.list();
    const tags = list.flatMap((i) => i.RepoTags).sort();
    assert.deepEqual(tags, [`${registry.host}/berth/layers:oci`, `${registry.host}/berth/layers:v2s2`]);
    const inspect = await images.inspect(oci.reference);
    assert.equal(inspect.RootFS.Layers.length, 4);
    await images.remove(oci.reference);
    await images.remove(v2s2.reference);
    assert.deepEqual(await images.list(), []);
    const left = await images.stores.snapshots.list();
    assert.deepEqual(left, [], 'layer snapshots left after the last image went');
  });
});
