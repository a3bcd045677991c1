/**
 * More of the container side through the docker CLI: volumes (named and
 * anonymous, content kept across containers, in-use refusal), pause and
 * unpause (the kernel's freezer), rename, restart, kill, logs -f until the
 * exit, events, system df, container prune.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';

import { DOCKER, IMAGE, skipReason, useDockerSession } from './docker-session.js';


describe('volumes, pause, events and more through the docker CLI', { skip: skipReason() }, () => {
  const s = useDockerSession('berth-test-more-', { changes: ['VOLUME /cache'] });

  test('a named volume keeps its content from one container to the next; in use, it cannot go', async () => {
    await s.ok(['volume', 'create', 'data']);
    await s.ok(['run', '--rm', '-v', 'data:/data', IMAGE, 'sh', '-c', 'echo kept > /data/file']);
    assert.equal(await s.ok(['run', '--rm', '-v', 'data:/data:ro', IMAGE, 'cat', '/data/file']), 'kept\n');
    const ro = await s.docker(['run', '--rm', '-v', 'data:/data:ro', IMAGE, 'sh', '-c', 'echo x > /data/file']);
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);
    await s.ok(['run', '-d', '--name', 'holder', '-v', 'data:/data', IMAGE, 'sleep', '1000']);
    const inUse = await s.docker(['volume', 'rm', 'data']);
    assert.equal(inUse.code, 1);
    assert.match(inUse.stderr, /volume is in use/);
    // The image's VOLUME /cache became an anonymous volume, listed, and removed with rm -v.
    const mounts = JSON.parse(await s.ok(['inspect', '--format', '{{json .Mounts}}', 'holder'])) as { Type: string; Name: string; Destination: string }[];
    const anonymous = mounts.find((m) => m.Destination === '/cache');
    assert.ok(anonymous && anonymous.Type === 'volume' && /^[0-9a-f]{64}$/.test(anonymous.Name));
    assert.match(await s.ok(['volume', 'ls', '-q']), new RegExp(anonymous.Name));
    await s.ok(['rm', '-f', '-v', 'holder']);
    assert.doesNotMatch(await s.ok(['volume', 'ls', '-q']), new RegExp(anonymous.Name));
    await s.ok(['volume', 'rm', 'data']);
  });

  test('pause freezes the processes, unpause thaws them; rename; restart; kill', async () => {
    await s.ok(['run', '-d', '--name', 'ticker', IMAGE, 'sh', '-c', 'while true; do date +%s%N >> /tmp/ticks; usleep 20000; done']);
    assert.match(await s.ok(['ps', '--filter', `ancestor=${IMAGE}`, '--format', '{{.Names}}']), /^ticker$/m);
    assert.equal(await s.ok(['ps', '--filter', 'ancestor=berth-test/other:1', '--format', '{{.Names}}']), '');
    await s.ok(['pause', 'ticker']);
    assert.match(await s.ok(['ps', '--format', '{{.Names}} {{.Status}}']), /^ticker Up .* \(Paused\)$/m);
    const pid = (await s.ok(['inspect', '--format', '{{.State.Pid}}', 'ticker'])).trim();
    const frozen = await readFile(`/proc/${pid}/root/tmp/ticks`, 'utf8');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await readFile(`/proc/${pid}/root/tmp/ticks`, 'utf8'), frozen, 'nothing runs while paused');
    const exec = await s.docker(['exec', 'ticker', 'true']);
    assert.equal(exec.code, 1);
    assert.match(exec.stderr, /is paused/);
    await s.ok(['unpause', 'ticker']);
    await s.ok(['rename', 'ticker', 'ticker2']);
    assert.equal((await s.ok(['inspect', '--format', '{{.Name}}', 'ticker2'])).trim(), '/ticker2');
    const before = (await s.ok(['inspect', '--format', '{{.State.StartedAt}}', 'ticker2'])).trim();
    await s.ok(['restart', '-t', '0', 'ticker2']);
    const state = (await s.ok(['inspect', '--format', '{{.State.Status}} {{.State.StartedAt}}', 'ticker2'])).trim().split(' ');
    assert.equal(state[0], 'running');
    assert.notEqual(state[1], before);
    await s.ok(['kill', 'ticker2']);
    assert.equal((await s.ok(['wait', 'ticker2'])).trim(), '137');
  });

  test('logs -f follows until the container exits; events tell what happened', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await s.ok(['create', '--name', 'talker', IMAGE, 'sh', '-c', 'for i in 1 2 3; do echo say $i; usleep 200000; done']);
    await s.ok(['start', 'talker']);
    assert.equal(await s.ok(['logs', '-f', 'talker']), 'say 1\nsay 2\nsay 3\n');
    const until = Math.floor(Date.now() / 1000) + 1;
    const events = await s.ok(['events', '--since', String(since), '--until', String(until), '--filter', 'container=talker', '--format', '{{.Action}}']);
    assert.deepEqual(events.trim().split('\n'), ['create', 'start', 'die']);
  });

  test('events streams live; system df and container prune account for what is there', async () => {
    const child = spawn(DOCKER, ['events', '--filter', 'type=container', '--format', '{{.Action}} {{.Actor.Attributes.name}}'], { env: s.env });
    let seen = '';
    child.stdout.on('data', (d: Buffer) => (seen += d.toString()));
    await new Promise((r) => setTimeout(r, 300));
    await s.ok(['run', '--name', 'short', IMAGE, 'true']);
    for (let i = 0; i < 50 && !seen.includes('die short'); i++) await new Promise((r) => setTimeout(r, 100));
    child.kill();
    assert.match(seen, /^create short$/m);
    assert.match(seen, /^die short$/m);
    const df = await s.ok(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']);
    assert.match(df, /^Images 1$/m);
    assert.match(df, /^Containers [1-9]\d*$/m);
    const pruned = await s.ok(['container', 'prune', '-f']);
    assert.match(pruned, /Total reclaimed space/);
    assert.equal((await s.ok(['ps', '-aq'])).trim(), '');
  });
});
