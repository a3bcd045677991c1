/**
 * Containers through the real docker CLI (28.x, and Debian's 20.10 when
 * installed) against berthd: run in the foreground and detached, exec with
 * and without a terminal, logs, ps, inspect, top, stats, cp, wait, stop,
 * restart policies, rm. The image is a busybox root filesystem imported
 * through the API.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';

import { runCommand, type CliResult } from '../runtime/harness.js';
import { DEBIAN_DOCKER, DOCKER, IMAGE, skipReason, useDockerSession } from './docker-session.js';


describe('containers through the docker CLI', { skip: skipReason() }, () => {
  const s = useDockerSession('berth-test-ctr-');
  const inPty = (command: string): Promise<CliResult> =>
    runCommand('script', ['-qec', command, '/dev/null'], { env: { ...s.env, TERM: 'xterm' }, timeoutMs: 60_000 });


  test('run --rm in the foreground: output, exit codes like docker (0, the container\'s, 127)', async () => {
    assert.equal(await s.ok(['run', '--rm', IMAGE, 'echo', 'hello from berth']), 'hello from berth\n');
    const three = await s.docker(['run', '--rm', IMAGE, 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(three.code, 3);
    assert.equal(three.stdout, 'out\n');
    assert.equal(three.stderr, 'err\n');
    const missing = await s.docker(['run', '--rm', IMAGE, 'no-such-program']);
    assert.equal(missing.code, 127, missing.stderr);
    assert.match(missing.stderr, /executable file not found/);
    assert.equal((await s.ok(['ps', '-aq'])).trim(), '', '--rm containers are gone');
  });

  test('run -i: stdin reaches the container; the image config and the user\'s flags shape the process', async () => {
    assert.equal(await s.ok(['run', '--rm', '-i', IMAGE, 'cat'], { input: 'piped in\n' }), 'piped in\n');
    const out = await s.ok(['run', '--rm', '-e', 'GREETING=hi', '-w', '/tmp', '-u', '1000:1000', '--hostname', 'box', IMAGE, 'sh', '-c', 'echo $GREETING $(pwd) $(id -u):$(id -g) $(hostname)']);
    assert.equal(out, 'hi /tmp 1000:1000 box\n');
  });

  test('run -d, ps, logs, exec, inspect, top, stats, cp, stop, rm', async () => {
    const id = (await s.ok(['run', '-d', '--name', 'web', IMAGE, 'sh', '-c', 'i=0; while true; do echo line $i; i=$((i+1)); sleep 0.1; done'])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const ps = await s.ok(['ps', '--format', '{{.Names}} {{.Image}} {{.Status}}']);
    assert.match(ps, /^web berth-test\/busybox:1 Up /m);

    await sleep(500);
    const logs = await s.ok(['logs', 'web']);
    assert.match(logs, /^line 0\nline 1\n/);
    assert.equal(await s.ok(['logs', '--tail', '1', 'web']).then((s) => s.split('\n').length), 2);

    assert.equal(await s.ok(['exec', 'web', 'cat', '/etc/hostname']), `${id.slice(0, 12)}\n`);
    assert.equal((await s.docker(['exec', 'web', 'sh', '-c', 'exit 5'])).code, 5);
    const missing = await s.docker(['exec', 'web', 'no-such-program']);
    assert.equal(missing.code, 127, `${missing.stdout} ${missing.stderr}`);
    assert.equal(await s.ok(['exec', '-i', 'web', 'cat'], { input: 'via exec\n' }), 'via exec\n');

    const state = JSON.parse(await s.ok(['inspect', '--format', '{{json .State}}', 'web'])) as { Running: boolean; Pid: number; Status: string };
    assert.equal(state.Status, 'running');
    assert.ok(state.Running && state.Pid > 0);

    const top = await s.ok(['top', 'web']);
    assert.match(top, /PID/);
    assert.match(top, /sh -c/);

    const stats = await s.ok(['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}} {{.PIDs}}', 'web']);
    assert.match(stats, /^web \d+(\.\d+)?[KMG]iB \/ [\d.]+[KMGT]iB \d+\n$/);

    await writeFile(path.join(s.dir, 'to-container.txt'), 'copied in\n');
    await s.ok(['cp', path.join(s.dir, 'to-container.txt'), 'web:/tmp/']);
    assert.equal(await s.ok(['exec', 'web', 'cat', '/tmp/to-container.txt']), 'copied in\n');
    await s.ok(['cp', 'web:/etc/passwd', path.join(s.dir, 'passwd-out')]);
    assert.match(await readFile(path.join(s.dir, 'passwd-out'), 'utf8'), /^root:x:0:0/);

    // sh as pid 1 ignores SIGTERM: stop sends SIGKILL after the timeout.
    await s.ok(['stop', '-t', '1', 'web']);
    assert.equal((await s.ok(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'web'])).trim(), 'exited 137');
    assert.equal((await s.ok(['wait', 'web'])).trim(), '137');
    await s.ok(['rm', 'web']);
    assert.equal((await s.docker(['inspect', 'web'])).code, 1);
  });

  test('exec -it and run -it under a real terminal', async () => {
    await s.ok(['run', '-d', '--name', 'tty-box', IMAGE, 'sleep', '1000']);
    const r = await inPty(`${DOCKER} exec -it tty-box sh -c 'tty; stty size'`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\/dev\/pts\/\d+/);
    const run = await inPty(`${DOCKER} run --rm -it ${IMAGE} sh -c 'tty && exit 4'`);
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.match(run.stdout, /\/dev\/pts\/0/);
    await s.ok(['rm', '-f', 'tty-box']);
  });

  test('wait before start, and a restart policy that gives up after its count', async () => {
    await s.ok(['create', '--name', 'flaky', '--restart', 'on-failure:2', IMAGE, 'sh', '-c', 'exit 1']);
    await s.ok(['start', 'flaky']);
    for (let i = 0; i < 100; i++) {
      const state = (await s.ok(['inspect', '--format', '{{.State.Status}} {{.RestartCount}}', 'flaky'])).trim();
      if (state === 'exited 2') break;
      await sleep(100);
    }
    assert.equal((await s.ok(['inspect', '--format', '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}', 'flaky'])).trim(), 'exited 2 1');
    await s.ok(['rm', 'flaky']);
  });

  test('errors read like docker\'s: unknown container, name in use, removing a running container', async () => {
    await s.ok(['run', '-d', '--name', 'busy', IMAGE, 'sleep', '1000']);
    const dup = await s.docker(['run', '-d', '--name', 'busy', IMAGE, 'true']);
    assert.equal(dup.code, 125);
    assert.match(dup.stderr, /The container name "\/busy" is already in use/);
    const rmRunning = await s.docker(['rm', 'busy']);
    assert.equal(rmRunning.code, 1);
    assert.match(rmRunning.stderr, /stop the container before removing or force remove/);
    const unknown = await s.docker(['stop', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No such container: nope/);
    await s.ok(['rm', '-f', 'busy']);
  });

  test('Debian\'s docker 20.10 (API 1.41) runs, execs, reads logs and removes', { skip: !existsSync(DEBIAN_DOCKER) && `needs ${DEBIAN_DOCKER}` }, async () => {
    const bin = DEBIAN_DOCKER;
    assert.equal(await s.ok(['run', '--rm', IMAGE, 'echo', 'old client'], { bin }), 'old client\n');
    await s.ok(['run', '-d', '--name', 'old', IMAGE, 'sh', '-c', 'echo started; sleep 1000'], { bin });
    assert.equal(await s.ok(['exec', 'old', 'echo', 'in'], { bin }), 'in\n');
    for (let i = 0; i < 50 && !(await s.ok(['logs', 'old'], { bin })).includes('started'); i++) await sleep(100);
    assert.equal(await s.ok(['logs', 'old'], { bin }), 'started\n');
    await s.ok(['rm', '-f', 'old'], { bin });
  });
});
