/**
 * The image verbs of the berth CLI as a user types them, against a real
 * registry with password authentication: login, pull, images, tag, push
 * (with a cross-repository mount), history, inspect, rmi, prune, logout.
 * The CLI talks to berthd only; the first command finds no daemon on the
 * test's exec root and starts one there, which the test stops at the end.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cliEnv, stopCliDaemon } from '../fixtures/cli-daemon.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { repoRoot } from '../fixtures/paths.js';
import { startRegistry, type TestRegistry } from '../fixtures/registry/registry.js';
import { pushTestImage, skopeo, type PushedImage } from '../fixtures/registry/test-image.js';
import { runCommand } from '../runtime/harness.js';

const root = process.getuid?.() === 0;
const BERTH = path.join(repoRoot(), 'bin', 'berth');

describe('berth image commands', { skip: !root && 'needs root' }, () => {
  let host: HostSnapshot;
  let registry: TestRegistry;
  let dir: string;
  let image: PushedImage;
  let env: NodeJS.ProcessEnv;
  const berth = (args: string[], input?: string) => runCommand(BERTH, args, { env, ...(input !== undefined ? { input } : {}) });
  const ok = async (args: string[], input?: string) => {
    const r = await berth(args, input);
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
    return r;
  };

  before(async () => {
    host = await snapshotHost();
    registry = await startRegistry({ auth: 'htpasswd' });
    image = await pushTestImage(registry.host, 'berth/app', { tag: '1.0', credentials: registry.credentials! });
    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-cli-'));
    // No BERTH_HOST: the CLI may start its own daemon only on the default socket (here, the exec root's).
    env = cliEnv(dir, { DOCKER_CONFIG: path.join(dir, 'docker') });
  });

  after(async () => {
    if (env) await stopCliDaemon(env);
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
    await assertNoLeaks(host);
  });

  test('the first command starts a daemon on the exec root; info says where it logs', async () => {
    const r = await ok(['info', '--format', '{{.DaemonLog}} {{.DockerRootDir}}']);
    assert.equal(r.stdout.trim(), `${path.join(dir, 'run', 'berthd.log')} ${path.join(dir, 'root')}`);
    assert.ok(existsSync(path.join(dir, 'run', 'berth.sock')));
    assert.match(readFileSync(path.join(dir, 'run', 'berthd.log'), 'utf8'), /listening on unix:\/\/.*berth\.sock/);
    const info = await ok(['info']);
    assert.match(info.stdout, new RegExp(`^ Daemon Log: ${path.join(dir, 'run', 'berthd.log')}$`, 'm'));
    // Pointed elsewhere explicitly, the CLI starts nothing and says nothing answers.
    const elsewhere = await runCommand(BERTH, ['images'], { env: { ...env, BERTH_HOST: `unix://${path.join(dir, 'nothing.sock')}` } });
    assert.equal(elsewhere.code, 1);
    assert.match(elsewhere.stderr, /Cannot connect to the berth daemon at unix:\/\/.*nothing\.sock\. Is the berth daemon running\?/);
  });

  test('without credentials the registry refuses, and the message says so', async () => {
    const r = await berth(['pull', image.reference]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unauthorized: authentication required/);
  });

  test('a wrong password is refused at login and nothing is stored', async () => {
    const r = await berth(['login', '-u', registry.credentials!.username, '--password-stdin', registry.host], 'wrong\n');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unauthorized/);
    assert.equal(existsSync(path.join(dir, 'docker', 'config.json')), false);
  });

  test('login stores docker-compatible credentials; pull prints plain progress and the name', async () => {
    const r = await ok(['login', '-u', registry.credentials!.username, '--password-stdin', registry.host], `${registry.credentials!.password}\n`);
    assert.match(r.stdout, /Login Succeeded/);
    const config = JSON.parse(readFileSync(path.join(dir, 'docker', 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
    const auth = Buffer.from(config.auths[registry.host]!.auth, 'base64').toString();
    assert.equal(auth, `${registry.credentials!.username}:${registry.credentials!.password}`);

    const pull = await ok(['pull', image.reference]);
    const lines = pull.stdout.trim().split('\n');
    assert.equal(lines[0], `1.0: Pulling from berth/app`);
    assert.ok(lines.some((l) => /^[0-9a-f]{12}: Pull complete$/.test(l)), pull.stdout);
    assert.ok(lines.includes(`Digest: ${image.digest}`), pull.stdout);
    assert.equal(lines.at(-1), image.reference);
    assert.ok(!pull.stdout.includes('\x1b['), 'no terminal escapes when not on a terminal');
  });

  test('images shows it, in docker\'s columns and formats', async () => {
    const table = await ok(['images']);
    const [header, row] = table.stdout.trim().split('\n');
    assert.match(header!, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    assert.match(row!, new RegExp(`^${registry.host}/berth/app\\s+1\\.0\\s+[0-9a-f]{12}\\s+.+ago\\s+[\\d.]+[kM]?B$`));
    const formatted = await ok(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
    assert.match(formatted.stdout.trim(), new RegExp(`^${registry.host}/berth/app:1\\.0 [0-9a-f]{12}$`));
    const quiet = await ok(['images', '-q']);
    assert.match(quiet.stdout.trim(), /^[0-9a-f]{12}$/);
    const digests = await ok(['images', '--digests']);
    assert.ok(digests.stdout.includes(image.digest), digests.stdout);
  });

  test('image inspect and history describe the layers', async () => {
    const [inspect] = JSON.parse((await ok(['image', 'inspect', image.reference])).stdout) as { Id: string; RootFS: { Layers: string[] }; Os: string }[];
    assert.match(inspect!.Id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(inspect!.RootFS.Layers.length, image.layers.length);
    assert.equal(inspect!.Os, 'linux');
    const os = await ok(['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', image.reference]);
    assert.match(os.stdout.trim(), /^linux\/\w+$/);
    const history = await ok(['history', image.reference]);
    assert.match(history.stdout.split('\n')[0]!, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
  });

  test('tag and push to another repository: the registry mounts the layers it has instead of receiving them', async () => {
    const target = `${registry.host}/berth/copy:2.0`;
    await ok(['tag', image.reference, target]);
    const push = await ok(['push', target]);
    assert.ok(push.stdout.split('\n').some((l) => /: Mounted from berth\/app$/.test(l)), push.stdout);
    assert.match(push.stdout, new RegExp(`2\\.0: digest: ${image.digest} size: \\d+`));
    // skopeo, which we did not write, reads back what we pushed.
    const inspected = await runCommand('skopeo', ['inspect', '--tls-verify=false', '--creds', `${registry.credentials!.username}:${registry.credentials!.password}`, `docker://${target}`]);
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.equal((JSON.parse(inspected.stdout) as { Digest: string }).Digest, image.digest);
  });

  test('a saved archive goes back into the registry with skopeo and pulls as the same image', async () => {
    const archive = path.join(dir, 'app.tar');
    await ok(['save', '-o', archive, image.reference]);
    const target = `${registry.host}/berth/roundtrip:1`;
    const creds = `${registry.credentials!.username}:${registry.credentials!.password}`;
    await skopeo(dir, ['copy', '--dest-tls-verify=false', '--dest-creds', creds, `docker-archive:${archive}`, `docker://${target}`]);
    await ok(['pull', target]);
    const ids = (await ok(['images', '--no-trunc', '--format', '{{.ID}}'])).stdout.trim().split('\n');
    assert.equal(new Set(ids).size, 1, `one image id for both names: ${ids.join(' ')}`);
    await ok(['rmi', target]);
  });

  test('rmi refuses an image a container uses unless forced, and untags by name', async () => {
    const id = (await ok(['create', '--name', 'uses-it', image.reference])).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const refused = await berth(['rmi', image.reference]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error response from daemon: .*container .* is using its referenced image/);
    assert.equal((await ok(['rm', 'uses-it'])).stdout, 'uses-it\n');
    const untag = await ok(['rmi', `${registry.host}/berth/copy:2.0`]);
    assert.equal(untag.stdout.trim(), `Untagged: ${registry.host}/berth/copy:2.0`);
    const missing = await berth(['rmi', 'no-such-image:latest']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such image/i);
  });

  test('bad references and missing images get docker\'s messages', async () => {
    const upper = await berth(['pull', 'Not/Lower']);
    assert.equal(upper.code, 1);
    assert.match(upper.stderr, /invalid reference format: repository name .* must be lowercase/);
    const missing = await berth(['pull', `${registry.host}/berth/nothing:here`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /manifest for .*berth\/nothing:here not found/);
  });

  test('on a terminal, pull redraws one line per layer in place', async () => {
    // script(1) gives the command a pty, as a user's shell would.
    const r = await runCommand('script', ['-qec', `${BERTH} pull ${image.reference}`, '/dev/null'], { env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes('\x1b['), 'no cursor movement on a terminal');
    assert.match(r.stdout, /[0-9a-f]{12}: Already exists/);
  });

  test('image prune -a removes the image and frees its layers; logout forgets the credentials', async () => {
    const prune = await ok(['image', 'prune', '-a', '-f']);
    assert.match(prune.stdout, /deleted: sha256:[0-9a-f]{64}/);
    assert.match(prune.stdout, /Total reclaimed space: [\d.]+[kM]?B/);
    assert.equal((await ok(['images', '-q'])).stdout, '');
    await ok(['logout', registry.host]);
    const config = JSON.parse(readFileSync(path.join(dir, 'docker', 'config.json'), 'utf8')) as { auths: Record<string, unknown> };
    assert.equal(config.auths[registry.host], undefined);
  });
});
