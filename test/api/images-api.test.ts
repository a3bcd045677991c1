/**
 * berthd's first slice of the Docker Engine API, driven by the real docker
 * CLIs we did not write: 28.x (/usr/local/bin/docker, API 1.44) and, when
 * installed, Debian's 20.10 (/usr/bin/docker, negotiating down to 1.41).
 * The registry wants a password, so `docker login` goes through POST /auth
 * and every pull and push carries X-Registry-Auth; the daemon itself has no
 * credentials. Then raw requests nobody should send, with the daemon still
 * answering after each.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { startRegistry, type TestRegistry } from '../fixtures/registry/registry.js';
import { pushTestImage, skopeo, type PushedImage } from '../fixtures/registry/test-image.js';
import { runCommand, type CliResult } from '../runtime/harness.js';
import { startDaemon, type DaemonProcess } from './daemon-process.js';
import { request } from './raw-http.js';

const root = process.getuid?.() === 0;
const DOCKER = '/usr/local/bin/docker';
const DEBIAN_DOCKER = '/usr/bin/docker';
const haveDocker = existsSync(DOCKER);
const haveDebianDocker = existsSync(DEBIAN_DOCKER);

describe('berthd image API through the docker CLI', { skip: (!root && 'needs root') || (!haveDocker && `needs ${DOCKER}`) }, () => {
  let host: HostSnapshot;
  let registry: TestRegistry;
  let image: PushedImage;
  let dir: string;
  let daemon: DaemonProcess;
  let env: NodeJS.ProcessEnv;

  const docker = (args: string[], options: { bin?: string; input?: string } = {}): Promise<CliResult> =>
    runCommand(options.bin ?? DOCKER, args, { env, timeoutMs: 120_000, ...(options.input !== undefined ? { input: options.input } : {}) });
  const ok = async (args: string[], options: { bin?: string; input?: string } = {}): Promise<CliResult> => {
    const r = await docker(args, options);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${r.stdout}\ndaemon log:\n${daemon.log()}`);
    return r;
  };
  const api = (method: string, p: string, init: { headers?: Record<string, string | number>; body?: string | Buffer } = {}) =>
    request(daemon.socket, { method, path: p, ...init });
  const stillUp = async () => {
    const r = await api('GET', '/_ping');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'OK');
  };

  before(async () => {
    host = await snapshotHost();
    registry = await startRegistry({ auth: 'htpasswd' });
    image = await pushTestImage(registry.host, 'berth/app', { tag: '1.0', credentials: registry.credentials! });
    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-api-'));
    await mkdir(path.join(dir, 'daemon-docker'));
    // The daemon has no credentials of its own: whatever it pulls with comes from the client.
    daemon = await startDaemon(dir, { DOCKER_CONFIG: path.join(dir, 'daemon-docker') });
    env = { ...process.env, DOCKER_HOST: daemon.host, DOCKER_CONFIG: path.join(dir, 'cli-docker'), DOCKER_CLI_HINTS: 'false' };
  });

  after(async () => {
    await daemon?.stop();
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    await assertNoLeaks(host);
  });

  test('the socket is the daemon\'s, mode 0660', async () => {
    const st = await stat(daemon.socket);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o660);
  });

  test('version and info: the CLI negotiates 1.44 and reads the engine', async () => {
    const v = await ok(['version', '--format', '{{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Client.APIVersion}} {{.Server.Os}}']);
    assert.equal(v.stdout.trim(), '1.44 1.24 1.44 linux');
    const i = await ok(['info', '--format', '{{.Driver}} {{.DefaultRuntime}} {{.Containers}} {{.Images}} {{.OSType}} {{.DockerRootDir}} {{.CgroupDriver}}']);
    assert.equal(i.stdout.trim(), `overlayfs berth 0 0 linux ${daemon.root} cgroupfs`);
    const id1 = (await ok(['info', '--format', '{{.ID}}'])).stdout.trim();
    const id2 = (await ok(['info', '--format', '{{.ID}}'])).stdout.trim();
    assert.ok(id1.length > 0);
    assert.equal(id1, id2, 'a stable engine id');
  });

  test('without credentials the pull is refused with a status, and the message names the cause', async () => {
    const r = await docker(['pull', image.reference]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error response from daemon: .*unauthorized/);
  });

  test('docker login goes through POST /auth; a wrong password is refused', async () => {
    const bad = await docker(['login', '-u', registry.credentials!.username, '--password-stdin', registry.host], { input: 'wrong\n' });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unauthorized/);
    const good = await ok(['login', '-u', registry.credentials!.username, '--password-stdin', registry.host], { input: `${registry.credentials!.password}\n` });
    assert.match(good.stdout, /Login Succeeded/);
  });

  test('pull streams docker\'s progress with the client\'s credentials', async () => {
    const r = await ok(['pull', image.reference]);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], '1.0: Pulling from berth/app');
    assert.ok(lines.some((l) => /^[0-9a-f]{12}: Pull complete$/.test(l)), r.stdout);
    assert.ok(lines.includes(`Digest: ${image.digest}`), r.stdout);
    assert.ok(lines.includes(`Status: Downloaded newer image for ${image.reference}`), r.stdout);
    assert.equal(lines.at(-1), image.reference);
  });

  test('images lists it, filtered by reference; inspect and history describe it', async () => {
    const table = await ok(['images']);
    assert.match(table.stdout, new RegExp(`${registry.host}/berth/app\\s+1\\.0\\s+[0-9a-f]{12}\\s`));
    const names = await ok(['images', '--format', '{{.Repository}}:{{.Tag}}', `${registry.host}/berth/app`]);
    assert.equal(names.stdout.trim(), image.reference);
    const none = await ok(['images', '-q', 'no-such-repo']);
    assert.equal(none.stdout.trim(), '');
    const inspect = await ok(['image', 'inspect', '--format', '{{.Id}} {{.Os}} {{len .RootFS.Layers}}', image.reference]);
    assert.match(inspect.stdout.trim(), new RegExp(`^sha256:[0-9a-f]{64} linux ${image.layers.length}$`));
    const history = await ok(['history', image.reference]);
    assert.match(history.stdout.split('\n')[0]!, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    assert.equal((await ok(['info', '--format', '{{.Images}}'])).stdout.trim(), '1');
  });

  test('tag and push to another repository of the registry; skopeo reads back the same digest', async () => {
    const target = `${registry.host}/berth/copy:2.0`;
    await ok(['tag', image.reference, target]);
    const push = await ok(['push', target]);
    assert.match(push.stdout, new RegExp(`The push refers to repository \\[${registry.host}/berth/copy\\]`));
    assert.match(push.stdout, /Mounted from berth\/app|Layer already exists|Pushed/);
    assert.match(push.stdout, new RegExp(`2\\.0: digest: ${image.digest} size: \\d+`));
    const creds = `${registry.credentials!.username}:${registry.credentials!.password}`;
    const raw = await skopeo(dir, ['inspect', '--tls-verify=false', '--creds', creds, `docker://${target}`]);
    assert.equal((JSON.parse(raw) as { Digest: string }).Digest, image.digest);
  });

  test('save, rmi, load: the image comes back with its names', async () => {
    const archive = path.join(dir, 'app.tar');
    await ok(['save', '-o', archive, image.reference]);
    assert.ok((await stat(archive)).size > 1024);
    const rmi = await ok(['rmi', image.reference]);
    assert.match(rmi.stdout, new RegExp(`Untagged: ${image.reference}`));
    const missing = await docker(['image', 'inspect', image.reference]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such image/i);
    const load = await ok(['load', '-i', archive]);
    assert.match(load.stdout, new RegExp(`Loaded image: ${image.reference}`));
    await ok(['image', 'inspect', image.reference]);
  });

  test('Debian\'s docker 20.10 negotiates down to 1.41 and does the same', { skip: !haveDebianDocker && `${DEBIAN_DOCKER} not installed` }, async () => {
    const bin = DEBIAN_DOCKER;
    const v = await ok(['version', '--format', '{{.Client.APIVersion}} {{.Server.APIVersion}}'], { bin });
    assert.equal(v.stdout.trim(), '1.41 1.44');
    const images = await ok(['images', '--format', '{{.Repository}}:{{.Tag}}'], { bin });
    assert.ok(images.stdout.split('\n').includes(image.reference), images.stdout);
    const pull = await ok(['pull', image.reference], { bin });
    // The tag now names the manifest `load` wrote, not the registry's: docker says "newer" here too.
    assert.match(pull.stdout, new RegExp(`Status: (Image is up to date|Downloaded newer image) for ${image.reference}`));
    await ok(['image', 'inspect', image.reference], { bin });
    await ok(['history', image.reference], { bin });
    const target = `${registry.host}/berth/old:1`;
    await ok(['tag', image.reference, target], { bin });
    const push = await ok(['push', target], { bin });
    assert.match(push.stdout, new RegExp(`1: digest: ${image.digest}`));
    const archive = path.join(dir, 'old.tar');
    await ok(['save', '-o', archive, target], { bin });
    await ok(['rmi', target], { bin });
    const load = await ok(['load', '-i', archive], { bin });
    assert.match(load.stdout, new RegExp(`Loaded image: ${target}`));
    await ok(['rmi', target], { bin });
  });

  test('bad requests get a 4xx and a plain message; the daemon stays up', async () => {
    const unknown = await api('GET', '/v1.44/images/no-such-image:1/json');
    assert.equal(unknown.status, 404);
    assert.match((JSON.parse(unknown.body) as { message: string }).message, /no such image/);
    await stillUp();

    const route = await api('GET', '/v1.44/no/such/route');
    assert.equal(route.status, 404);
    assert.deepEqual(JSON.parse(route.body), { message: 'page not found' });
    await stillUp();

    const badJson = await api('POST', '/auth', { headers: { 'Content-Type': 'application/json' }, body: '{"username": "a",' });
    assert.equal(badJson.status, 400);
    assert.match((JSON.parse(badJson.body) as { message: string }).message, /invalid JSON/);
    await stillUp();

    const wrongType = await api('POST', '/auth', { headers: { 'Content-Type': 'application/json' }, body: '{"username": 42, "password": []}' });
    assert.equal(wrongType.status, 400);
    assert.match((JSON.parse(wrongType.body) as { message: string }).message, /must be a string/);
    await stillUp();

    const huge = await api('POST', '/auth', { headers: { 'Content-Type': 'application/json' }, body: Buffer.alloc(2 * 1024 * 1024, 0x20) });
    assert.equal(huge.status, 400);
    assert.match((JSON.parse(huge.body) as { message: string }).message, /too large/);
    await stillUp();

    const chunked = await api('POST', '/auth', { headers: { 'Transfer-Encoding': 'chunked' }, body: Buffer.alloc(3 * 1024 * 1024, 0x20) });
    assert.equal(chunked.status, 400);
    assert.match((JSON.parse(chunked.body) as { message: string }).message, /too large/);
    await stillUp();

    const tooNew = await api('GET', '/v1.99/version');
    assert.equal(tooNew.status, 400);
    assert.match((JSON.parse(tooNew.body) as { message: string }).message, /client version 1.99 is too new/);
    await stillUp();

    const badFilters = await api('GET', '/images/json?filters=%7Bnope');
    assert.equal(badFilters.status, 400);
    await stillUp();

    const noImage = await api('POST', '/images/create');
    assert.equal(noImage.status, 400);
    await stillUp();

    const badName = await api('POST', '/images/create?fromImage=UPPER/Case%20name');
    assert.equal(badName.status, 400, badName.body);
    await stillUp();

    const garbage = await api('POST', '/images/load', { headers: { 'Content-Type': 'application/x-tar' }, body: Buffer.alloc(4096, 0x41) });
    assert.ok(garbage.status >= 400 && garbage.status < 500, `load of garbage: ${garbage.status} ${garbage.body}`);
    await stillUp();

    const saveUnknown = await api('GET', '/images/get?names=no-such-image');
    assert.equal(saveUnknown.status, 404);
    await stillUp();
  });

  test('names with slashes and colons route raw or URL-encoded, and ping answers HEAD with the version', async () => {
    const encoded = await api('GET', `/v1.41/images/${encodeURIComponent(image.reference)}/json`);
    assert.equal(encoded.status, 200, encoded.body);
    const plain = await api('GET', `/images/${image.reference}/json`);
    assert.equal(plain.status, 200, plain.body);
    assert.equal((JSON.parse(plain.body) as { Id: string }).Id, (JSON.parse(encoded.body) as { Id: string }).Id);
    const head = await api('HEAD', '/_ping');
    assert.equal(head.status, 200);
    assert.equal(head.headers['api-version'], '1.44');
    assert.equal(head.headers['ostype'], 'linux');
    assert.equal(head.headers['docker-experimental'], 'false');
    assert.equal(head.body, '');
  });

  test('image prune -af removes every image', async () => {
    const r = await ok(['image', 'prune', '-af']);
    assert.match(r.stdout, /Deleted Images:/);
    assert.match(r.stdout, /Total reclaimed space/);
    assert.equal((await ok(['images', '-q'])).stdout.trim(), '');
  });

  test('import makes an image of a root filesystem tarball', async () => {
    const rootfs = path.join(dir, 'rootfs');
    await mkdir(path.join(rootfs, 'bin'), { recursive: true });
    await copyFile('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
    const tarball = path.join(dir, 'rootfs.tar');
    const tar = await runCommand('tar', ['-C', rootfs, '-cf', tarball, '.']);
    assert.equal(tar.code, 0, tar.stderr);
    const r = await ok(['import', '-c', 'CMD ["/bin/busybox", "sh"]', '-m', 'from a tarball', tarball, 'berth-imported:1']);
    assert.match(r.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    const inspect = await ok(['image', 'inspect', '--format', '{{json .Config.Cmd}} {{.Comment}}', 'berth-imported:1']);
    assert.equal(inspect.stdout.trim(), '["/bin/busybox","sh"] from a tarball');
    await ok(['rmi', 'berth-imported:1']);
  });

  test('a pull that fails after its progress began ends in an error message the CLI prints', async () => {
    // The registry loses a layer: the manifest still answers, the blob does not.
    const hex = image.layers[0]!.digest.slice('sha256:'.length);
    await rm(path.join(registry.storageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex), { recursive: true });
    const r = await docker(['pull', image.reference]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /Pulling from berth\/app/, 'progress had begun');
    assert.match(r.stderr, new RegExp(hex.slice(0, 12)), r.stderr);
    assert.doesNotMatch(r.stderr, /Error response from daemon/, 'not an HTTP status: the stream had started');
    assert.equal((await ok(['images', '-q'])).stdout.trim(), '', 'a failed pull leaves no image');
    await stillUp();
  });

  test('SIGTERM stops the daemon cleanly and removes the socket', async () => {
    assert.equal(await daemon.stop(), 0, daemon.log());
    assert.equal(existsSync(daemon.socket), false);
    assert.match(daemon.log(), /SIGTERM: shutting down/);
  });
});
