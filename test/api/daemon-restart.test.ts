/**
 * berthd killed with SIGKILL while containers run and print: the containers
 * keep running under their shims, no log line is lost, and a new daemon
 * finds them again — ps, logs -f, exec, stats, stop work; a container that
 * exited meanwhile shows its real exit code; a restart policy still holds.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';

import { IMAGE, skipReason, useDockerSession } from './docker-session.js';


describe('berthd killed and restarted', { skip: skipReason() }, () => {
  const s = useDockerSession('berth-test-restart-');

  test('containers outlive a SIGKILLed daemon; nothing printed is lost; the next daemon adopts them', async () => {
    // Each counter prints 1..400 then exits 0; "quick" exits 9 while the daemon is down.
    const counter = 'i=1; while [ $i -le 400 ]; do echo n $i; i=$((i+1)); usleep 10000; done; sleep 1000';
    await s.ok(['run', '-d', '--name', 'counter', IMAGE, 'sh', '-c', counter]);
    await s.ok(['run', '-d', '--name', 'quick', IMAGE, 'sh', '-c', 'sleep 1; exit 9']);
    await s.ok(['run', '-d', '--name', 'always', '--restart', 'always', IMAGE, 'sleep', '1000']);
    await sleep(300);

    await s.killDaemon();
    await sleep(2500); // "quick" exits; "counter" keeps printing into its log with nobody to tell

    await s.startDaemon();
    const ps = await s.ok(['ps', '-a', '--format', '{{.Names}} {{.State}}']);
    assert.match(ps, /^counter running$/m);
    assert.match(ps, /^always running$/m);
    assert.match(ps, /^quick exited$/m);
    assert.equal((await s.ok(['inspect', '--format', '{{.State.ExitCode}}', 'quick'])).trim(), '9');

    // logs -f follows on; once the counter is done, every line is there exactly once.
    for (let i = 0; i < 100 && !(await s.ok(['logs', '--tail', '1', 'counter'])).includes('n 400'); i++) await sleep(100);
    const lines = (await s.ok(['logs', 'counter'])).trim().split('\n');
    assert.equal(lines.length, 400);
    assert.deepEqual(lines, Array.from({ length: 400 }, (_, i) => `n ${i + 1}`));

    assert.equal(await s.ok(['exec', 'counter', 'echo', 'still here']), 'still here\n');
    assert.match(await s.ok(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'counter']), /^counter \d+\n$/);
    await s.ok(['stop', '-t', '0', 'counter']);
    assert.equal((await s.ok(['inspect', '--format', '{{.State.ExitCode}}', 'counter'])).trim(), '137');

    // The restart policy holds across the restart: the adopted container comes back after a kill.
    const pid = Number((await s.ok(['inspect', '--format', '{{.State.Pid}}', 'always'])).trim());
    process.kill(pid, 'SIGKILL');
    let restarted = '';
    for (let i = 0; i < 100; i++) {
      restarted = (await s.ok(['inspect', '--format', '{{.State.Status}} {{.RestartCount}}', 'always'])).trim();
      if (restarted === 'running 1') break;
      await sleep(100);
    }
    assert.equal(restarted, 'running 1');
  });
});
