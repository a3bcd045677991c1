import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isBerthError } from '../../errors.js';
import { normalizeCgroupPath } from './path.js';

test('relative and absolute cgroup paths mean the same cgroup', () => {
  assert.equal(normalizeCgroupPath('berth/abc'), 'berth/abc');
  assert.equal(normalizeCgroupPath('/berth/abc'), 'berth/abc');
  assert.equal(normalizeCgroupPath('//berth//abc/'), 'berth/abc');
});

test('paths that escape or name the root are refused', () => {
  for (const bad of ['', '/', 'berth/../..', './x', 'a/./b']) {
    assert.throws(
      () => normalizeCgroupPath(bad),
      (e: unknown) => isBerthError(e, 'InvalidArgument') && e.message.startsWith(`cgroup ${JSON.stringify(bad)}: `),
      bad,
    );
  }
});
