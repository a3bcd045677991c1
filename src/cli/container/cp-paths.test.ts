import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isDirMode, isSymlinkMode, planCopy, splitCpArg, splitPathDirEntry } from './cp-paths.js';

test('which side is the container\'s', () => {
  assert.deepEqual(splitCpArg('web:/etc/hosts'), ['web', '/etc/hosts']);
  assert.deepEqual(splitCpArg('/abs/x:y'), ['', '/abs/x:y']);
  assert.deepEqual(splitCpArg('./a:b'), ['', './a:b']);
  assert.deepEqual(splitCpArg('file'), ['', 'file']);
  assert.deepEqual(splitPathDirEntry('/a/b/'), ['/a', 'b']);
  assert.deepEqual(splitPathDirEntry('/a/.'), ['/a', '.']);
});

test('where the copy lands, as docker\'s PrepareArchiveCopy decides', () => {
  const file = { base: 'f.txt', isDir: false };
  const dir = { base: 'd', isDir: true };
  assert.deepEqual(planCopy(file, { path: '/tmp', exists: true, isDir: true }), { dir: '/tmp' });
  assert.deepEqual(planCopy(file, { path: '/tmp/g.txt', exists: true, isDir: false }), { dir: '/tmp', rebase: { from: 'f.txt', to: 'g.txt' } });
  assert.deepEqual(planCopy(file, { path: '/tmp/new', exists: false, isDir: false }), { dir: '/tmp', rebase: { from: 'f.txt', to: 'new' } });
  assert.deepEqual(planCopy(dir, { path: '/tmp/new/', exists: false, isDir: false }), { dir: '/tmp', rebase: { from: 'd', to: 'new' } });
  assert.throws(() => planCopy(dir, { path: '/tmp/g.txt', exists: true, isDir: false }), /cannot copy a directory to a file/);
  assert.throws(() => planCopy(file, { path: '/tmp/nodir/', exists: false, isDir: false }), /does not exist/);
});

test('Go file modes: directory and symlink bits', () => {
  assert.equal(isDirMode(2147484141), true); // os.ModeDir | 0755
  assert.equal(isDirMode(0o644), false);
  assert.equal(isSymlinkMode(134218239), true); // os.ModeSymlink | 0777
});
