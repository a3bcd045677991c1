import assert from 'node:assert/strict';
import { test } from 'node:test';

import { endpointsConfig, isUserDefined, ZERO_ENDPOINT } from './endpoint.js';

test('run/create endpoints: the default one, a named network left out unless something is set on it', () => {
  assert.deepEqual(endpointsConfig(undefined, [], undefined), { default: ZERO_ENDPOINT });
  assert.deepEqual(endpointsConfig('mynet', [], undefined), {});
  assert.deepEqual(endpointsConfig('mynet', [], ''), {});
  assert.deepEqual(endpointsConfig('mynet', ['a', 'b'], '10.1.0.5'), { mynet: { ...ZERO_ENDPOINT, IPAMConfig: { IPv4Address: '10.1.0.5' }, Aliases: ['a', 'b'] } });
  assert.deepEqual(endpointsConfig(undefined, [], '10.0.0.5'), { default: { ...ZERO_ENDPOINT, IPAMConfig: { IPv4Address: '10.0.0.5' } } });
  assert.deepEqual(endpointsConfig('host', [], '1.2.3.4'), { host: { ...ZERO_ENDPOINT, IPAMConfig: { IPv4Address: '1.2.3.4' } } });
});

test('aliases only on user-defined networks', () => {
  for (const mode of [undefined, 'default', 'bridge', 'host', 'none', 'container:web']) {
    assert.throws(() => endpointsConfig(mode, ['a'], undefined), { message: 'network-scoped aliases are only supported for user-defined networks' });
  }
  assert.ok(isUserDefined('mynet'));
  assert.ok(isUserDefined('containers'));
});
