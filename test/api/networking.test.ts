/**
 * Networking through the docker CLI: published ports from the host
 * (127.0.0.1 and the bridge's address), user-defined networks where names
 * and aliases resolve, isolation between networks, a taken port refused,
 * ports surviving a SIGKILLed daemon, and nothing left once the daemon
 * stops (its bridge and nftables table are its own). Traffic goes only to
 * loopback and to the containers' addresses on bridges this test creates.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
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
const DEBIAN_DOCKER = '/usr/bin/docker';
const IMAGE = 'berth-test/busybox:1';
const SERVE = 'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www';

function get(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function getEventually(host: string, port: number): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      return await get(host, port);
    } catch (e) {
      if (i > 50) throw e;
      await sleep(100);
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('networking through the docker CLI', { skip: (!root && 'needs root') || (!existsSync(DOCKER) && `needs ${DOCKER}`) }, () => {
  let host: HostSnapshot;
  let dir: string;
  let daemon: DaemonProcess;
  let env: NodeJS.ProcessEnv;

  const docker = (args: string[], bin = DOCKER): Promise<CliResult> => runCommand(bin, args, { env, timeoutMs: 60_000 });
  const ok = async (args: string[], bin = DOCKER): Promise<string> => {
    const r = await docker(args, bin);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${r.stdout}\ndaemon log:\n${daemon.log()}`);
    return r.stdout;
  };
  const bridgeName = () => daemon.child.spawnargs[daemon.child.spawnargs.indexOf('--bridge') + 1] as string;
  const tableName = () => daemon.child.spawnargs[daemon.child.spawnargs.indexOf('--nft-table') + 1] as string;

  before(async () => {
    host = await snapshotHost();
    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-net-'));
    daemon = await startDaemon(dir);
    env = { ...process.env, DOCKER_HOST: daemon.host, DOCKER_CONFIG: path.join(dir, 'cli-docker'), DOCKER_CLI_HINTS: 'false' };
    await ok(['import', '--change', 'CMD ["sh"]', '--change', 'EXPOSE 80', await busyboxTarball(dir), IMAGE]);
  });

  after(async () => {
    if (daemon) {
      const left = await docker(['ps', '-aq']);
      if (left.stdout.trim()) await docker(['rm', '-f', ...left.stdout.trim().split('\n')]);
      for (const n of ['frontend', 'backend', 'old']) await docker(['network', 'rm', n]);
      const bridge = bridgeName();
      const table = tableName();
      assert.equal(await daemon.stop(), 0);
      assert.notEqual((await runCommand('ip', ['link', 'show', bridge])).code, 0, `bridge ${bridge} removed`);
      assert.notEqual((await runCommand('nft', ['list', 'table', 'inet', table])).code, 0, `table ${table} removed`);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
    await assertNoLeaks(host);
  });

  test('a published port answers on 127.0.0.1 and on the bridge address; docker port and inspect show it', async () => {
    const port = await freePort();
    await ok(['run', '-d', '--name', 'web', '-p', `${port}:80`, '-p', '127.0.0.1::80', IMAGE, 'sh', '-c', SERVE]);
    const id = (await ok(['inspect', '--format', '{{.Id}}', 'web'])).trim();
    assert.equal(await getEventually('127.0.0.1', port), `hello from ${id.slice(0, 12)}\n`);
    const gateway = (await ok(['inspect', '--format', '{{.NetworkSettings.Gateway}}', 'web'])).trim();
    assert.match(gateway, /^\d+\.\d+\.\d+\.1$/);
    assert.equal(await get(gateway, port), `hello from ${id.slice(0, 12)}\n`);
    const ports = (await ok(['port', 'web', '80'])).trim().split('\n');
    assert.ok(ports.includes(`0.0.0.0:${port}`), ports.join(','));
    const loopback = ports.find((p) => p.startsWith('127.0.0.1:'));
    assert.ok(loopback, ports.join(','));
    assert.equal(await get('127.0.0.1', Number(loopback.split(':')[1])), `hello from ${id.slice(0, 12)}\n`);
    assert.match(await ok(['ps', '--format', '{{.Names}} {{.Ports}}']), new RegExp(`^web .*0\\.0\\.0\\.0:${port}->80/tcp`, 'm'));
    const ip = (await ok(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', 'web'])).trim();
    assert.equal(await get(ip, 80), `hello from ${id.slice(0, 12)}\n`, 'the container answers on its own address');

    // The same host port again: refused, and nothing is left half set up.
    const taken = await docker(['run', '-d', '--name', 'web2', '-p', `${port}:80`, IMAGE, 'sh', '-c', SERVE]);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, new RegExp(`${port}`));
    assert.equal((await ok(['inspect', '--format', '{{.State.Status}}', 'web2'])).trim(), 'created');
    await ok(['rm', 'web2']);

    // A SIGKILLed daemon: the port still answers meanwhile and afterwards; the address stays the container's.
    daemon.child.kill('SIGKILL');
    await daemon.stop();
    assert.equal(await get('127.0.0.1', port), `hello from ${id.slice(0, 12)}\n`);
    daemon = await startDaemon(dir);
    assert.equal((await ok(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', 'web'])).trim(), ip);
    assert.equal(await get('127.0.0.1', port), `hello from ${id.slice(0, 12)}\n`);
    await ok(['rm', '-f', 'web']);
    await assert.rejects(get('127.0.0.1', port), 'the rule went with the container');
  });

  test('a user network resolves names and aliases; another network cannot reach it', async () => {
    await ok(['network', 'create', 'frontend']);
    await ok(['network', 'create', 'backend']);
    await ok(['run', '-d', '--name', 'api', '--network', 'frontend', '--network-alias', 'service', IMAGE, 'sh', '-c', SERVE]);
    const fetch = 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc';
    const byName = await ok(['run', '--rm', '--network', 'frontend', IMAGE, 'sh', '-c', `for i in 1 2 3 4 5; do ${fetch} api 80 && break; sleep 0.2; done`]);
    assert.match(byName, /hello from/);
    assert.match(await ok(['run', '--rm', '--network', 'frontend', IMAGE, 'sh', '-c', `${fetch} service 80`]), /hello from/);
    const ip = (await ok(['inspect', '--format', '{{(index .NetworkSettings.Networks "frontend").IPAddress}}', 'api'])).trim();
    const other = await docker(['run', '--rm', '--network', 'backend', IMAGE, 'sh', '-c', `${fetch} -w 1 ${ip} 80`]);
    assert.doesNotMatch(other.stdout, /hello from/, 'backend cannot reach frontend');
    const inUse = await docker(['network', 'rm', 'frontend']);
    assert.notEqual(inUse.code, 0);
    assert.match(inUse.stderr, /active endpoints/);
    // connect: a container on backend joins frontend and reaches api by name.
    await ok(['run', '-d', '--name', 'joiner', '--network', 'backend', IMAGE, 'sleep', '1000']);
    await ok(['network', 'connect', 'frontend', 'joiner']);
    assert.match(await ok(['exec', 'joiner', 'sh', '-c', `${fetch} api 80`]), /hello from/);
    await ok(['network', 'disconnect', 'frontend', 'joiner']);
    await ok(['rm', '-f', 'api', 'joiner']);
    await ok(['network', 'rm', 'frontend', 'backend']);
    assert.doesNotMatch(await ok(['network', 'ls', '--format', '{{.Name}}']), /frontend|backend/);
  });

  test('container:NAME shares a namespace; host uses the host\'s; --add-host and --dns land in /etc', async () => {
    await ok(['run', '-d', '--name', 'owner', IMAGE, 'sh', '-c', SERVE]);
    const ip = (await ok(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', 'owner'])).trim();
    const shared = await ok(['run', '--rm', '--network', 'container:owner', IMAGE, 'sh', '-c', 'ip -4 -o addr show eth0; printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc 127.0.0.1 80']);
    assert.match(shared, new RegExp(`inet ${ip.replace(/\./g, '\\.')}/`));
    assert.match(shared, /hello from/);
    const hostLinks = (await runCommand('ip', ['-o', 'link'])).stdout.split('\n').length;
    const inHost = (await ok(['run', '--rm', '--network', 'host', IMAGE, 'ip', '-o', 'link'])).split('\n').length;
    assert.equal(inHost, hostLinks, 'the host\'s interfaces');
    const etc = await ok(['run', '--rm', '--add-host', 'db.example:10.9.8.7', '--dns', '10.1.2.3', '--dns-search', 'corp.example', IMAGE, 'cat', '/etc/hosts', '/etc/resolv.conf']);
    assert.match(etc, /^10\.9\.8\.7\tdb\.example$/m);
    assert.match(etc, /^nameserver 10\.1\.2\.3$/m);
    assert.match(etc, /^search corp\.example$/m);
    await ok(['rm', '-f', 'owner']);
  });

  test('a host port a host process listens on is refused; network prune removes unused networks', async () => {
    const server = net.createServer().listen(0, '0.0.0.0');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await docker(['run', '-d', '--name', 'clash', '-p', `${port}:80`, IMAGE, 'sleep', '100']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(`${port}`));
      assert.equal((await ok(['inspect', '--format', '{{.State.Status}}', 'clash'])).trim(), 'created');
      await ok(['rm', 'clash']);
    } finally {
      server.close();
    }
    await ok(['network', 'create', 'unused']);
    assert.match(await ok(['network', 'prune', '-f']), /unused/);
    assert.doesNotMatch(await ok(['network', 'ls', '--format', '{{.Name}}']), /unused/);
  });

  test('bad network input: overlapping subnet, unknown network, malformed port spec', async () => {
    const subnet = (await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Subnet}}', 'bridge'])).trim();
    const overlap = await docker(['network', 'create', '--subnet', subnet, 'clash']);
    assert.notEqual(overlap.code, 0);
    assert.match(overlap.stderr, /overlap/i);
    const unknown = await docker(['run', '--rm', '--network', 'nowhere', IMAGE, 'true']);
    assert.equal(unknown.code, 125);
    assert.match(unknown.stderr, /network nowhere not found/);
    const badPort = await docker(['run', '--rm', '-p', '99999:80', IMAGE, 'true']);
    assert.equal(badPort.code, 125);
  });

  test('Debian\'s docker 20.10: run -d -p, port, network create and rm', { skip: !existsSync(DEBIAN_DOCKER) && `needs ${DEBIAN_DOCKER}` }, async () => {
    const port = await freePort();
    await ok(['network', 'create', 'old'], DEBIAN_DOCKER);
    await ok(['run', '-d', '--name', 'oldweb', '--network', 'old', '-p', `${port}:80`, IMAGE, 'sh', '-c', SERVE], DEBIAN_DOCKER);
    assert.match(await ok(['port', 'oldweb'], DEBIAN_DOCKER), new RegExp(`80/tcp -> 0\\.0\\.0\\.0:${port}`));
    assert.match(await getEventually('127.0.0.1', port), /hello from/);
    await ok(['rm', '-f', 'oldweb'], DEBIAN_DOCKER);
    await ok(['network', 'rm', 'old'], DEBIAN_DOCKER);
  });
});
