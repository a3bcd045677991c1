import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkLocalOptions } from './local-options.js';

test('local driver options: plain, tmpfs and bind volumes', () => {
  assert.equal(checkLocalOptions({}), undefined);
  assert.equal(checkLocalOptions({ size: '0' }), undefined);
  assert.deepEqual(checkLocalOptions({ type: 'tmpfs', device: 'tmpfs', o: 'size=100m,uid=1000' }), {
    type: 'tmpfs',
    device: 'tmpfs',
    options: 'size=100m,uid=1000',
  });
  assert.deepEqual(checkLocalOptions({ type: 'none', device: '/srv/data', o: 'bind' }), {
    type: 'none',
    device: '/srv/data',
    options: 'bind',
  });
});

test('local driver options: Docker’s refusals', () => {
  const refuses = (opts: Record<string, string>, message: string) =>
    assert.throws(() => checkLocalOptions(opts), { message });
  refuses({ uid: '1' }, 'invalid option: "uid"');
  refuses({ device: 'tmpfs' }, 'missing required option: "type"');
  refuses({ type: 'tmpfs' }, 'missing required option: "device"');
  refuses({ o: 'size=1m' }, 'missing required option: "device"');
  refuses({ size: '1g' }, 'quota size requested but no quota support');
  refuses({ size: 'lots' }, "invalid size: 'lots'");
  refuses({ type: 'tmpfs', device: '' }, 'missing device in volume options');
});
