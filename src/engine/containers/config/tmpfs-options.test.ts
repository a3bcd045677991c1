import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertInvalid } from './invalid.test-helper.js';
import { mergeTmpfsOptions, tmpfsDataFromMount, tmpfsMountOptions } from './tmpfs-options.js';

test("Docker's defaults, and the user's options after them", () => {
  assert.deepEqual(tmpfsMountOptions('', 'f'), ['noexec', 'nosuid', 'nodev', 'rprivate']);
  assert.deepEqual(tmpfsMountOptions('size=64m,mode=1777', 'f'), ['noexec', 'nosuid', 'nodev', 'rprivate', 'size=64m', 'mode=1777']);
});

test('a later option replaces an earlier one of the same flag or key', () => {
  assert.deepEqual(tmpfsMountOptions('exec', 'f'), ['nosuid', 'nodev', 'rprivate', 'exec']);
  assert.deepEqual(tmpfsMountOptions('rshared,suid,size=1m,size=2m', 'f'), ['noexec', 'nodev', 'rshared', 'suid', 'size=2m']);
  assert.deepEqual(mergeTmpfsOptions(['ro', 'defaults', 'rw'], 'f'), ['rw']);
});

test('unknown options and binds are refused, naming the field', () => {
  assertInvalid(() => tmpfsMountOptions('size', 'HostConfig.Tmpfs./run'), /^HostConfig\.Tmpfs\.\/run: invalid tmpfs option "size"$/);
  assertInvalid(() => tmpfsMountOptions('foo=1', 'f'), /invalid tmpfs option "foo=1"/);
  assertInvalid(() => tmpfsMountOptions('rbind', 'f'), /invalid tmpfs option "rbind"/);
});

test('a --mount type=tmpfs as a data string, sizes written as Docker writes them', () => {
  assert.equal(tmpfsDataFromMount({ Type: 'tmpfs', Target: '/t', ReadOnly: true, TmpfsOptions: { SizeBytes: 64 * 1024 * 1024, Mode: 0o1777 } }, 'f'), 'ro,mode=1777,size=64m');
  assert.equal(tmpfsDataFromMount({ Type: 'tmpfs', TmpfsOptions: { SizeBytes: 1000, Options: [['exec'], ['nr_inodes', '10']] } }, 'f'), 'size=1000,exec,nr_inodes=10');
  assertInvalid(() => tmpfsDataFromMount({ Type: 'tmpfs', TmpfsOptions: { Options: [['a', 'b', 'c']] } }, 'M'), /^M\.TmpfsOptions\.Options\[0\]: must be/);
});
