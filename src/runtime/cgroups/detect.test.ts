import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isBerthError } from '../../errors.js';
import { detectCgroupManager } from './detect.js';

test('an unreadable mountinfo is a FailedPrecondition naming it', () => {
  assert.throws(
    () => detectCgroupManager({ mountinfo: '/nonexistent/mountinfo' }),
    (e: unknown) => isBerthError(e, 'FailedPrecondition') && e.message.startsWith('cgroups: cannot read /nonexistent/mountinfo: '),
  );
});

test('this host has a cgroup layout berth understands', () => {
  // Reads the real /proc/self/mountinfo; needs no privileges.
  const m = detectCgroupManager();
  const h = m.hierarchies('berth/probe');
  assert.ok(h.length > 0);
  if (m.version === 1) assert.ok(h.some((e) => e.fsType === 'cgroup' && e.options.split(',').includes('memory')));
  else assert.equal(h[0]?.fsType, 'cgroup2');
});
