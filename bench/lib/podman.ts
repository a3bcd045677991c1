/**
 * podman for a benchmark, set up as PEERS.md says it must be on this kind
 * of host: its own --root, --runroot and --tmpdir under one directory, runc
 * (crun 1.8 refuses a hybrid cgroup host), a CONTAINERS_CONF with ulimits
 * that fit the hard limits, the cgroupfs manager and file events.
 * Containers are always run with `--network none` by the caller.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { run } from './timed-command.js';

/** What podman creates in root's default places whatever --root says (see importImage). */
const BLOB_INFO_CACHE_DIR = '/var/lib/containers';

export class Podman {
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;

  private constructor(readonly dir: string) {
    this.args = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--tmpdir', join(dir, 'tmp'), '--storage-driver', 'overlay', '--runtime', 'runc'];
    this.env = { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf') };
  }

  static async setup(dir: string): Promise<Podman> {
    const p = new Podman(dir);
    await mkdir(join(dir, 'copy-tmp'), { recursive: true });
    await writeFile(
      p.env['CONTAINERS_CONF'] as string,
      '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' +
        `[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nimage_copy_tmp_dir = "${join(dir, 'copy-tmp')}"\n`,
    );
    return p;
  }

  podman(args: readonly string[]): Promise<string> {
    return run('podman', [...this.args, ...args], { env: this.env });
  }

  /**
   * `podman import`. Rootful podman 4.3 keeps the blob-info cache of an
   * image copy in /var/lib/containers/cache whatever --root says (no flag
   * or containers.conf key moves it; runs and execs do not touch it): when
   * that directory was not there before, it goes again at once.
   */
  async importImage(tar: string, name: string): Promise<void> {
    const existed = existsSync(BLOB_INFO_CACHE_DIR);
    try {
      await this.podman(['import', '--quiet', '--change', 'CMD ["sh"]', tar, name]);
    } finally {
      if (!existed) await rm(BLOB_INFO_CACHE_DIR, { recursive: true, force: true });
    }
  }

  async version(): Promise<string> {
    return (await run('podman', ['--version'], { env: this.env })).trim();
  }
}
