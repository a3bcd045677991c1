import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertRejectsInvalid } from '../config/invalid.test-helper.js';
import { readRootfsFile, resolveUser } from './resolve-user.js';

let dir: string;

/** A rootfs with these files under it (a value starting with "->" is a symlink). */
function rootfs(name: string, files: Record<string, string>): string {
  const root = path.join(dir, name);
  for (const [file, content] of Object.entries(files)) {
    const p = path.join(root, file);
    mkdirSync(path.dirname(p), { recursive: true });
    if (content.startsWith('->')) symlinkSync(content.slice(2), p);
    else writeFileSync(p, content);
  }
  mkdirSync(root, { recursive: true });
  return root;
}

const PASSWD = 'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n';
const GROUP = 'root:x:0:\nwheel:x:10:app\napp:x:1000:\nvideo:x:44:\n';

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'berth-user-'));
  // What a hostile image would like the daemon to read.
  writeFileSync(path.join(dir, 'host-passwd'), 'evil:x:0:0::/:/bin/sh\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveUser', () => {
  test("reads the image's passwd and group files", async () => {
    const root = rootfs('plain', { 'etc/passwd': PASSWD, 'etc/group': GROUP });
    assert.deepEqual(await resolveUser(root, 'app'), { uid: 1000, gid: 1000, additionalGids: [1000, 10] });
    assert.deepEqual(await resolveUser(root, ''), { uid: 0, gid: 0, additionalGids: [0] });
    assert.deepEqual(await resolveUser(root, 'app:video', ['wheel', '5000']), { uid: 1000, gid: 44, additionalGids: [44, 10, 5000] });
  });

  test("Docker's error for an unknown name", async () => {
    const root = rootfs('unknown', { 'etc/passwd': PASSWD });
    await assertRejectsInvalid(() => resolveUser(root, 'nobody'), /^unable to find user nobody: no matching entries in passwd file$/);
    await assertRejectsInvalid(() => resolveUser(root, 'app', ['audio']), /Unable to find group audio/);
  });

  test('without /etc/passwd, numbers still work', async () => {
    const root = rootfs('scratch', { bin: 'x' });
    assert.deepEqual(await resolveUser(root, '65534:65534'), { uid: 65534, gid: 65534, additionalGids: [65534] });
    await assertRejectsInvalid(() => resolveUser(root, 'app'), /unable to find user app/);
  });

  test('an absolute symlink out of the rootfs is followed inside it', async () => {
    const outside = path.join(dir, 'host-passwd');
    const root = rootfs('abs-link', { 'etc/passwd': `->${outside}` });
    // The host file says "evil" is root; inside the rootfs that path does not exist.
    await assertRejectsInvalid(() => resolveUser(root, 'evil'), /unable to find user evil/);
    rootfs('abs-link', { [outside.slice(1)]: 'evil:x:7:7::/:/bin/sh\n' });
    assert.deepEqual(await resolveUser(root, 'evil'), { uid: 7, gid: 7, additionalGids: [7] });
  });

  test('a relative symlink climbing out stops at the rootfs', async () => {
    const root = rootfs('rel-link', { 'etc/passwd': '->../../../../../../../host-passwd', 'host-passwd': 'inside:x:8:8::/:/bin/sh\n' });
    assert.deepEqual(await resolveUser(root, 'inside'), { uid: 8, gid: 8, additionalGids: [8] });
    await assertRejectsInvalid(() => resolveUser(root, 'evil'), /unable to find user evil/);
  });

  test('only regular files are read', async () => {
    const root = rootfs('weird', { 'etc/group': GROUP });
    mkdirSync(path.join(root, 'etc/passwd'));
    await assertRejectsInvalid(() => resolveUser(root, 'app'), /^\/etc\/passwd: is not a regular file$/);
    const fifoRoot = rootfs('fifo', { 'etc/group': GROUP });
    execFileSync('mkfifo', [path.join(fifoRoot, 'etc/passwd')]);
    await assertRejectsInvalid(() => resolveUser(fifoRoot, 'app'), /is not a regular file/);
  });

  test('readRootfsFile: undefined for a missing file or a missing directory', async () => {
    const root = rootfs('missing', { etc: '->nothere' });
    assert.equal(await readRootfsFile(root, '/etc/passwd'), undefined);
  });
});
