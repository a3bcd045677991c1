/**
 * berthd killed with SIGKILL while containers run and print: the containers
 * keep running under their shims, no log line is lost, and a new daemon
 * finds them again — ps, logs -f, exec, stats, stop work; a container that
 * exited meanwhile shows its real exit code; a restart policy still holds.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import { busyboxTarball } from '../fixtures/busybox-image.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { runCommand, type CliResult } from '../runtime/harness.js';
import { startDaemon, type DaemonProcess } from './daemon-process.js';

const root = process.getuid?.() === 0;
const DOCKER = '/usr/local/bin/docker';
const IMAGE = 'berth-test/busybox:1';

describe('berthd killed and restarted', { skip: (!root && 'needs root') || (!existsSync(DOCKER) && `needs ${DOCKER}`) }, () => {
  let host: HostSnapshot;
  let dir: string;
  let daemon: DaemonProcess;
  let env: NodeJS.ProcessEnv;

  const docker = (args: string[]): Promise<CliResult> => runCommand(DOCKER, args, { env, timeoutMs: 60_000 });
  const ok = async (args: string[]): Promise<string> => {
    const r = await docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${r.stdout}\ndaemon log:\n${daemon.log()}`);
    return r.stdout;
  };

  before(async () => {
    host = await snapshotHost();
    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-restart-'));
    daemon = await startDaemon(dir);
    env = { ...process.env, DOCKER_HOST: daemon.host, DOCKER_CONFIG: path.join(dir, 'cli-docker'), DOCKER_CLI_HINTS: 'false' };
    await ok(['import', '--change', 'CMD ["sh"]', await busyboxTarball(dir), IMAGE]);
  });

  after(async () => {
    if (daemon) {
      const left = await docker(['ps', '-aq']);
      if (left.stdout.trim()) await docker(['rm', '-f', ...left.stdout.trim().split('\n')]);
      await daemon.stop();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
    await assertNoLeaks(host);
  });

  test('containers outlive a SIGKILLed daemon; nothing printed is lost; the next daemon adopts them', async () => {
    // Each counter prints 1..400 then exits 0; "quick" exits 9 while the daemon is down.
    const counter = 'i=1; while [ $i -le 400 ]; do echo n $i; i=$((i+1)); usleep 10000; done; sleep 1000';
    await ok(['run', '-d', '--name', 'counter', IMAGE, 'sh', '-c', counter]);
    await ok(['run', '-d', '--name', 'quick', IMAGE, 'sh', '-c', 'sleep 1; exit 9']);
    await ok(['run', '-d', '--name', 'always', '--restart', 'always', IMAGE, 'sleep', '1000']);
    await sleep(300);

    daemon.child.kill('SIGKILL');
    assert.equal(await daemon.stop(), 137);
    await sleep(2500); // "quick" exits; "counter" keeps printing into its log with nobody to tell

    daemon = await startDaemon(dir);
    const ps = await ok(['ps', '-a', '--format', '{{.Names}} {{.State}}']);
    assert.match(ps, /^counter running$/m);
    assert.match(ps, /^always running$/m);
    assert.match(ps, /^quick exited$/m);
    assert.equal((await ok(['inspect', '--format', '{{.State.ExitCode}}', 'quick'])).trim(), '9');

    // logs -f follows on; once the counter is done, every line is there exactly once.
    for (let i = 0; i < 100 && !(await ok(['logs', '--tail', '1', 'counter'])).includes('n 400'); i++) await sleep(100);
    const lines = (await ok(['logs', 'counter'])).trim().split('\n');
    assert.equal(lines.length, 400);
    assert.deepEqual(lines, Array.from({ length: 400 }, (_, i) => `n ${i + 1}`));

    assert.equal(await ok(['exec', 'counter', 'echo', 'still here']), 'still here\n');
    assert.match(await ok(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'counter']), /^counter \d+\n$/);
    await ok(['stop', '-t', '0', 'counter']);
    assert.equal((await ok(['inspect', '--format', '{{.State.ExitCode}}', 'counter'])).trim(), '137');

    // The restart policy holds across the restart: the adopted container comes back after a kill.
    const pid = Number((await ok(['inspect', '--format', '{{.State.Pid}}', 'always'])).trim());
    process.kill(pid, 'SIGKILL');
    let restarted = '';
    for (let i = 0; i < 100; i++) {
      restarted = (await ok(['inspect', '--format', '{{.State.Status}} {{.RestartCount}}', 'always'])).trim();
      if (restarted === 'running 1') break;
      await sleep(100);
    }
    assert.equal(restarted, 'running 1');
  });
});
