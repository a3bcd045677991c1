/**
 * `berth network …` against the real docker CLI (28.x), for the same
 * command lines: both run against one stand-in daemon that answers as a
 * daemon would and records every request. The paths, queries and bodies
 * must be docker's, and so must what each prints and how it exits. Also
 * what `run`/`create` send for `--network`, `--network-alias` and `--ip`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createRequest } from '../../src/cli/container/create-body.js';
import { CREATE_FLAGS, RUN_FLAGS } from '../../src/cli/container/create-flags.js';
import { parseFlags } from '../../src/cli/flags.js';
import { repoRoot } from '../fixtures/paths.js';
import { runCommand } from '../runtime/harness.js';
import { DOCKER, startCapture, type Capture } from './docker-capture.js';

const BERTH = path.join(repoRoot(), 'bin', 'berth');

const LINES: string[][] = [
  ['create', 'n1'],
  ['create', '-d', 'bridge', '--subnet', '10.1.0.0/24', '--gateway', '10.1.0.1', '--ip-range', '10.1.0.128/25', '--internal', '--label', 'a=b', '--label', 'c', '-o', 'com.x=1', '--attachable', 'n2'],
  ['create', '--driver=macvlan', 'n3'],
  ['create', '--subnet', '10.0.0.0/8,11.0.0.0/8', '--gateway', '10.0.0.1,11.0.0.1', 'n4'],
  ['create', '--subnet', 'fd00::/64', '--subnet', '10.2.0.0/16', '--gateway', 'fd00::1', '--ip-range', '10.2.1.0/24', 'n5'],
  ['create', '-o', 'a=1', '-o', 'a=2', '-o', 'b=x=y', '-o', 'bare', '--label', ' x', '--internal=false', 'n6'],
  ['create', 'taken'],
  ['ls'],
  ['list'],
  ['ls', '--no-trunc'],
  ['ls', '-q'],
  ['ls', '-q', '--no-trunc'],
  ['ls', '--filter', 'name=br', '--filter', 'driver=bridge', '-f', 'label=a', '-f', 'type=custom', '-f', 'id=aaaa'],
  ['ls', '--format', '{{.Name}} {{.ID}} {{.Labels}} {{.Label "a"}} {{.CreatedAt}} {{.IPv4}} {{.IPv6}} {{.Internal}}'],
  ['ls', '--format', 'table {{.ID}}\\t{{.Name}}\\t{{.IPv6}}\\t{{.Internal}}\\t{{.Labels}}\\t{{.CreatedAt}}'],
  ['ls', '--format', 'json'],
  ['ls', '--format', 'raw'],
  ['ls', '-q', '--format', 'raw'],
  ['ls', '-q', '--format', '{{.Name}}'],
  ['ls', '--format', 'table', '-q'],
  ['inspect', 'bridge'],
  ['inspect', '-f', '{{.Name}} {{.Driver}}', 'bridge', 'host'],
  ['inspect', 'bridge', 'missing'],
  ['inspect', 'missing', 'gone'],
  ['inspect', '--format', 'json', 'bridge', 'host'],
  ['inspect', '-v', 'bridge'],
  ['inspect', '-f', '{{json .IPAM}}', 'bridge', 'missing', 'host'],
  ['rm', 'n1'],
  ['rm', 'n1', 'missing', 'busy', 'n2'],
  ['rm', '-f', 'missing', 'n1'],
  ['remove', 'n1'],
  ['connect', '--alias', 'a1', '--alias', 'a2', '--ip', '10.1.0.5', 'n2', 'web'],
  ['connect', 'n2', 'web'],
  ['connect', '--alias', 'a,b', 'n1', 'c'],
  ['connect', 'missing', 'web'],
  ['disconnect', '-f', 'n2', 'web'],
  ['disconnect', 'n2', 'web'],
  ['prune', '-f'],
  ['prune', '--force', '--filter', 'label=a', '--filter', 'until=1h'],
  // refused before anything is sent
  ['create'],
  ['create', 'a', 'b'],
  ['create', '--gateway', '10.0.0.1', 'n'],
  ['create', '--subnet', '10.0.0.0/8', '--gateway', '11.0.0.1', 'n'],
  ['create', '--subnet', '10.0.0.0/8', '--subnet', '10.1.0.0/16', 'n'],
  ['create', '--subnet', '10.0.0.0/8', '--ip-range', 'bogus', 'n'],
  ['create', '--label', '=x', 'n'],
  ['create', '--bogus', 'n'],
  ['rm'],
  ['connect', 'n1'],
  ['disconnect', 'n'],
  ['inspect'],
  ['prune', '-f', 'x'],
  ['ls', 'x'],
  ['ls', '-f', 'dangling'],
];

const NETWORKS = [
  { Name: 'net10', Id: '10'.repeat(32), Created: '2024-01-02T05:04:05+02:00', Scope: 'local', Driver: 'bridge', EnableIPv4: true, EnableIPv6: true, Internal: true, Labels: null },
  { Name: 'host', Id: '1234567890abcdef'.repeat(4), Created: '2024-01-02T03:04:05Z', Scope: 'local', Driver: 'host', EnableIPv6: false, IPAM: { Driver: 'default', Options: null, Config: null }, Internal: false, Containers: {}, Options: {}, Labels: {} },
  { Name: 'net9', Id: '09'.repeat(32), Created: '0001-01-01T00:00:00Z', Scope: 'swarm', Driver: 'overlay', Labels: { x: '1' } },
  {
    Name: 'bridge', Id: 'aaaa1111bbbb2222'.repeat(4), Created: '2024-01-02T03:04:05.123456789Z', Scope: 'local', Driver: 'bridge', EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] }, Internal: false, Attachable: false, Ingress: false,
    ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: {}, Options: { 'com.docker.network.bridge.name': 'berth0' }, Labels: { a: 'b' },
  },
];

interface Request {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: unknown;
}

/** A daemon with a few networks, answering as berthd would. */
function answer(method: string, p: string, body: unknown, res: http.ServerResponse): void {
  const json = (status: number, value: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': '1.44', Ostype: 'linux' });
    res.end(JSON.stringify(value));
  };
  const notFound = (name: string) => json(404, { message: `network ${name} not found` });
  const name = /^\/networks\/([^/]+)/.exec(p)?.[1] ?? '';
  if (p === '/_ping') return json(200, 'OK');
  if (p === '/networks/create') {
    const n = (body as { Name: string }).Name;
    return n === 'taken' ? json(409, { message: `network with name ${n} already exists` }) : json(201, { Id: 'deadbeef'.repeat(8), Warning: '' });
  }
  if (p === '/networks') return json(200, NETWORKS);
  if (p === '/networks/prune') return json(200, { NetworksDeleted: ['n1', 'n2'] });
  if (name === 'missing' || name === 'gone') return notFound(name);
  if (method === 'GET') {
    const n = NETWORKS.find((x) => x.Name === name);
    return n ? json(200, n) : notFound(name);
  }
  if (method === 'DELETE' && name === 'busy') return json(403, { message: 'error while removing network: network busy has active endpoints' });
  if (method === 'DELETE') return void res.writeHead(204).end();
  if (/\/(dis)?connect$/.test(p)) return void res.writeHead(200).end();
  json(500, { message: 'not part of the stand-in' });
}

/** Order-free forms: filters as objects, docker's map-ordered IPAM configs sorted. */
function canonical(r: Request): Request {
  const b = r.body as { IPAM?: { Config: { Subnet: string }[] } } | undefined;
  const body = b?.IPAM ? { ...b, IPAM: { ...b.IPAM, Config: [...b.IPAM.Config].sort((x, y) => x.Subnet.localeCompare(y.Subnet)) } } : b;
  return { ...r, body };
}

describe('network commands, against the docker CLI', { skip: !existsSync(DOCKER) && `needs ${DOCKER}` }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-test-network-'));
  const socket = path.join(dir, 'd.sock');
  let requests: Request[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const p = url.pathname.replace(/^\/v[\d.]+/, '');
      const query: Record<string, unknown> = Object.fromEntries(url.searchParams);
      if (typeof query['filters'] === 'string') query['filters'] = JSON.parse(query['filters']);
      const body: unknown = text ? JSON.parse(text) : undefined;
      if (p !== '/_ping') requests.push({ method: req.method ?? '', path: p, query, body });
      answer(req.method ?? '', p, body, res);
    });
  });
  before(() => new Promise<void>((resolve) => server.listen(socket, resolve)));
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (file: string, args: string[], env: NodeJS.ProcessEnv, input = '') => {
    requests = [];
    const r = await runCommand(file, args, { env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...env }, input, timeoutMs: 20_000 });
    return { ...r, requests: requests.map(canonical), stdout: r.stdout.replace(/docker/g, 'berth'), stderr: r.stderr.replace(/docker/g, 'berth') };
  };
  const docker = (args: string[], input?: string) => run(DOCKER, ['network', ...args], { DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: path.join(dir, 'config') }, input);
  const berth = (args: string[], input?: string) => run(BERTH, ['network', ...args], { BERTH_HOST: `unix://${socket}` }, input);

  test('the same requests, the same output, the same exit codes', async () => {
    for (const line of LINES) {
      const d = await docker(line);
      const b = await berth(line);
      // docker's rm first looks the network up, to ask before removing a swarm ingress network
      const sent = ['rm', 'remove'].includes(line[0] ?? '') ? d.requests.filter((r) => r.method !== 'GET') : d.requests;
      const what = `network ${line.join(' ')}`;
      assert.deepEqual(b.requests, sent, `requests of ${what}`);
      assert.equal(b.stdout, d.stdout, `stdout of ${what}`);
      assert.equal(b.stderr, d.stderr, `stderr of ${what}`);
      assert.equal(b.code, d.code, `exit code of ${what}`);
    }
  });

  test('prune asks first; only "y" prunes', async () => {
    for (const input of ['y\n', 'n\n', '']) {
      const d = await docker(['prune'], input);
      const b = await berth(['prune'], input);
      assert.deepEqual(b.requests, d.requests, JSON.stringify(input));
      assert.equal(b.stdout, d.stdout, JSON.stringify(input));
      assert.equal(b.code, d.code);
    }
  });
});

const RUN_LINES: string[][] = [
  ['--network', 'mynet', '--network-alias', 'a1', '--network-alias', 'a2', '--ip', '10.1.0.5', 'busybox'],
  ['--network', 'mynet', '--ip', '10.1.0.5', 'busybox'],
  ['--network', 'mynet', '--network-alias', 'a,b', 'busybox'],
  ['--net', 'mynet', '--network-alias', 'a', 'busybox'],
  ['--network', 'mynet', '--ip', '', '--network-alias', '', 'busybox'],
  ['--network', 'mynet', 'busybox'],
  ['--ip', '10.0.0.5', 'busybox'],
  ['--network', 'host', '--ip', '1.2.3.4', 'busybox'],
];

const BAD_RUN_LINES: string[][] = [
  ['--network-alias', 'a', 'busybox'],
  ['--network', 'bridge', '--network-alias', 'a', 'busybox'],
  ['--network', 'container:web', '--network-alias', 'a', 'busybox'],
];

describe('run/create --network, --network-alias, --ip against the docker CLI', { skip: !existsSync(DOCKER) && `needs ${DOCKER}` }, () => {
  let capture: Capture;
  before(async () => {
    capture = await startCapture();
  });
  after(() => capture?.close());

  const networking = (body: unknown) => {
    const b = body as { HostConfig: { NetworkMode: string }; NetworkingConfig: unknown };
    return { NetworkMode: b.HostConfig.NetworkMode, NetworkingConfig: b.NetworkingConfig };
  };

  test('HostConfig.NetworkMode and NetworkingConfig as docker sends them', async () => {
    for (const [verb, flags, lines] of [['create', CREATE_FLAGS, RUN_LINES], ['run', RUN_FLAGS, RUN_LINES.map((l) => ['-d', ...l])]] as const) {
      for (const line of lines) {
        const r = await capture.docker([verb, ...line]);
        const sent = r.requests.find((q) => q.path === '/containers/create');
        assert.ok(sent, `docker ${verb} ${line.join(' ')}: ${r.stderr}`);
        const mine = createRequest(parseFlags(line, flags, true), { detach: verb === 'run', consoleSize: [0, 0], env: {} });
        assert.deepEqual(networking(mine.body), networking(sent.body), `${verb} ${line.join(' ')}`);
      }
    }
  });

  test('aliases on a network that is not user-defined: refused by both', async () => {
    for (const line of BAD_RUN_LINES) {
      const r = await capture.docker(['create', ...line]);
      assert.equal(r.code, 125, r.stderr);
      assert.equal(r.requests.find((q) => q.path === '/containers/create'), undefined);
      assert.throws(() => createRequest(parseFlags(line, CREATE_FLAGS, true), { env: {} }), { message: (r.stderr.split('\n')[0] ?? '').replace(/^docker: /, '') });
    }
  });
});
