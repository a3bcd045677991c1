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
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';

import { runCommand } from '../runtime/harness.js';
import { DEBIAN_DOCKER, IMAGE, skipReason, useDockerSession } from './docker-session.js';

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

describe('networking through the docker CLI', { skip: skipReason() }, () => {
  const s = useDockerSession('berth-test-net-', { changes: ['EXPOSE 80'] });


  test('a published port answers on 127.0.0.1 and on the bridge address; docker port and inspect show it', async () => {
    const port = await freePort();
    await s.ok(['run', '-d', '--name', 'web', '-p', `${port}:80`, '-p', '127.0.0.1::80', IMAGE, 'sh', '-c', SERVE]);
    const id = (await s.ok(['inspect', '--format', '{{.Id}}', 'web'])).trim();
    assert.equal(await getEventually('127.0.0.1', port), `hello from ${id.slice(0, 12)}\n`);
    const gateway = (await s.ok(['inspect', '--format', '{{.NetworkSettings.Gateway}}', 'web'])).trim();
    assert.match(gateway, /^\d+\.\d+\.\d+\.1$/);
    assert.equal(await get(gateway, port), `hello from ${id.slice(0, 12)}\n`);
    const ports = (await s.ok(['port', 'web', '80'])).trim().split('\n');
    assert.ok(ports.includes(`0.0.0.0:${port}`), ports.join(','));
    const loopback = ports.find((p) => p.startsWith('127.0.0.1:'));
    assert.ok(loopback, ports.join(','));
    assert.equal(await get('127.0.0.1', Number(loopback.split(':')[1])), `hello from ${id.slice(0, 12)}\n`);
    assert.match(await s.ok(['ps', '--format', '{{.Names}} {{.Ports}}']), new RegExp(`^web .*0\\.0\\.0\\.0:${port}->80/tcp`, 'm'));
    const ip = (await s.ok(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', 'web'])).trim();
    assert.equal(await get(ip, 80), `hello from ${id.slice(0, 12)}\n`, 'the container answers on its own address');

    // The same host port again: refused, and nothing is left half set up.
    const taken = await s.docker(['run', '-d', '--name', 'web2', '-p', `${port}:80`, IMAGE, 'sh', '-c', SERVE]);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, new RegExp(`${port}`));
    assert.equal((await s.ok(['inspect', '--format', '{{.State.Status}}', 'web2'])).trim(), 'created');
    await s.ok(['rm', 'web2']);

    // A SIGKILLed daemon: the port still answers meanwhile and afterwards; the address stays the container's.
    await s.killDaemon();
    assert.equal(await get('127.0.0.1', port), `hello from ${id.slice(0, 12)}\n`);
    await s.startDaemon();
    assert.equal((await s.ok(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', 'web'])).trim(), ip);
    assert.equal(await get('127.0.0.1', port), `hello from ${id.slice(0, 12)}\n`);
    const table = s.daemon.child.spawnargs[s.daemon.child.spawnargs.indexOf('--nft-table') + 1] ?? '';
    const rules = async () => (await runCommand('nft', ['list', 'table', 'inet', table])).stdout;
    assert.match(await rules(), new RegExp(`\\b${port}\\b`), 'the published port is in our table');
    await s.ok(['rm', '-f', 'web']);
    assert.doesNotMatch(await rules(), new RegExp(`\\b${port}\\b`), 'the rule went with the container');
    await assert.rejects(get('127.0.0.1', port));
  });

  test('a user network resolves names and aliases; another network cannot reach it', async () => {
    await s.ok(['network', 'create', 'frontend']);
    await s.ok(['network', 'create', 'backend']);
    await s.ok(['run', '-d', '--name', 'api', '--network', 'frontend', '--network-alias', 'service', IMAGE, 'sh', '-c', SERVE]);
    const fetch = 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc';
    const byName = await s.ok(['run', '--rm', '--network', 'frontend', IMAGE, 'sh', '-c', `for i in 1 2 3 4 5; do ${fetch} api 80 && break; sleep 0.2; done`]);
    assert.match(byName, /hello from/);
    assert.match(await s.ok(['run', '--rm', '--network', 'frontend', IMAGE, 'sh', '-c', `${fetch} service 80`]), /hello from/);
    const ip = (await s.ok(['inspect', '--format', '{{(index .NetworkSettings.Networks "frontend").IPAddress}}', 'api'])).trim();
    // The same request by address works from frontend, so what fails from backend is the isolation.
    assert.match(await s.ok(['run', '--rm', '--network', 'frontend', IMAGE, 'sh', '-c', `${fetch} -w 1 ${ip} 80`]), /hello from/);
    const other = await s.docker(['run', '--rm', '--network', 'backend', IMAGE, 'sh', '-c', `${fetch} -w 1 ${ip} 80`]);
    assert.doesNotMatch(other.stdout, /hello from/, 'backend cannot reach frontend');
    const inUse = await s.docker(['network', 'rm', 'frontend']);
    assert.notEqual(inUse.code, 0);
    assert.match(inUse.stderr, /active endpoints/);
    // connect: a container on backend joins frontend and reaches api by name.
    await s.ok(['run', '-d', '--name', 'joiner', '--network', 'backend', IMAGE, 'sleep', '1000']);
    await s.ok(['network', 'connect', 'frontend', 'joiner']);
    assert.match(await s.ok(['exec', 'joiner', 'sh', '-c', `${fetch} api 80`]), /hello from/);
    await s.ok(['network', 'disconnect', 'frontend', 'joiner']);
    await s.ok(['rm', '-f', 'api', 'joiner']);
    await s.ok(['network', 'rm', 'frontend', 'backend']);
    assert.doesNotMatch(await s.ok(['network', 'ls', '--format', '{{.Name}}']), /frontend|backend/);
  });

  test('container:NAME shares a namespace; host uses the host\'s; --add-host and --dns land in /etc', async () => {
    await s.ok(['run', '-d', '--name', 'owner', IMAGE, 'sh', '-c', SERVE]);
    const ip = (await s.ok(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', 'owner'])).trim();
    const shared = await s.ok(['run', '--rm', '--network', 'container:owner', IMAGE, 'sh', '-c', 'ip -4 -o addr show eth0; printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc 127.0.0.1 80']);
    assert.match(shared, new RegExp(`inet ${ip.replace(/\./g, '\\.')}/`));
    assert.match(shared, /hello from/);
    const hostLinks = (await runCommand('ip', ['-o', 'link'])).stdout.split('\n').length;
    const inHost = (await s.ok(['run', '--rm', '--network', 'host', IMAGE, 'ip', '-o', 'link'])).split('\n').length;
    assert.equal(inHost, hostLinks, 'the host\'s interfaces');
    const etc = await s.ok(['run', '--rm', '--add-host', 'db.example:10.9.8.7', '--dns', '10.1.2.3', '--dns-search', 'corp.example', IMAGE, 'cat', '/etc/hosts', '/etc/resolv.conf']);
    assert.match(etc, /^10\.9\.8\.7\tdb\.example$/m);
    assert.match(etc, /^nameserver 10\.1\.2\.3$/m);
    assert.match(etc, /^search corp\.example$/m);
    await s.ok(['rm', '-f', 'owner']);
  });

  test('a host port a host process listens on is refused; network prune removes unused networks', async () => {
    const server = net.createServer().listen(0, '0.0.0.0');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await s.docker(['run', '-d', '--name', 'clash', '-p', `${port}:80`, IMAGE, 'sleep', '100']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(`${port}`));
      assert.equal((await s.ok(['inspect', '--format', '{{.State.Status}}', 'clash'])).trim(), 'created');
      await s.ok(['rm', 'clash']);
    } finally {
      server.close();
    }
    await s.ok(['network', 'create', 'unused']);
    assert.match(await s.ok(['network', 'prune', '-f']), /unused/);
    assert.doesNotMatch(await s.ok(['network', 'ls', '--format', '{{.Name}}']), /unused/);
  });

  test('bad network input: overlapping subnet, unknown network, malformed port spec', async () => {
    const subnet = (await s.ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Subnet}}', 'bridge'])).trim();
    const overlap = await s.docker(['network', 'create', '--subnet', subnet, 'clash']);
    assert.notEqual(overlap.code, 0);
    assert.match(overlap.stderr, /overlap/i);
    const unknown = await s.docker(['run', '--rm', '--network', 'nowhere', IMAGE, 'true']);
    assert.equal(unknown.code, 125);
    assert.match(unknown.stderr, /network nowhere not found/);
    const badPort = await s.docker(['run', '--rm', '-p', '99999:80', IMAGE, 'true']);
    assert.equal(badPort.code, 125);
  });

  test('Debian\'s docker 20.10: run -d -p, port, network create and rm', { skip: !existsSync(DEBIAN_DOCKER) && `needs ${DEBIAN_DOCKER}` }, async () => {
    const port = await freePort();
    await s.ok(['network', 'create', 'old'], { bin: DEBIAN_DOCKER });
    await s.ok(['run', '-d', '--name', 'oldweb', '--network', 'old', '-p', `${port}:80`, IMAGE, 'sh', '-c', SERVE], { bin: DEBIAN_DOCKER });
    assert.match(await s.ok(['port', 'oldweb'], { bin: DEBIAN_DOCKER }), new RegExp(`80/tcp -> 0\\.0\\.0\\.0:${port}`));
    assert.match(await getEventually('127.0.0.1', port), /hello from/);
    await s.ok(['rm', '-f', 'oldweb'], { bin: DEBIAN_DOCKER });
    await s.ok(['network', 'rm', 'old'], { bin: DEBIAN_DOCKER });
  });
});
