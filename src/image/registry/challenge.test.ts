import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseChallenges } from './challenge.js';

describe('parseChallenges', () => {
  it('reads a Docker Hub bearer challenge', () => {
    const header =
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"';
    assert.deepEqual(parseChallenges([header]), [
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' },
      },
    ]);
  });

  it('reads basic, token values, spaces and escapes', () => {
    assert.deepEqual(parseChallenges(['Basic realm="Registry \\"Realm\\""']), [
      { scheme: 'basic', params: { realm: 'Registry "Realm"' } },
    ]);
    assert.deepEqual(parseChallenges(['BEARER  Realm = "r" , error=insufficient_scope']), [
      { scheme: 'bearer', params: { realm: 'r', error: 'insufficient_scope' } },
    ]);
  });

  it('splits several challenges in one header and across headers', () => {
    const got = parseChallenges(['Bearer realm="a",service="s", Basic realm="b"', 'Negotiate abc==']);
    assert.deepEqual(
      got.map((c) => [c.scheme, c.params]),
      [
        ['bearer', { realm: 'a', service: 's' }],
        ['basic', { realm: 'b' }],
        ['negotiate', {}],
      ],
    );
  });

  it('keeps commas and equals signs inside quoted values', () => {
    const [c] = parseChallenges(['Bearer realm="https://h/t?a=1,b=2",scope="repository:x:pull,push"']);
    assert.equal(c?.params['realm'], 'https://h/t?a=1,b=2');
    assert.equal(c?.params['scope'], 'repository:x:pull,push');
  });

  it('survives garbage without throwing', () => {
    for (const s of ['', ',,,', '"unterminated', 'Bearer realm="x', '=== ,, =', '\u0000Bearer']) {
      assert.doesNotThrow(() => parseChallenges([s]));
    }
    assert.deepEqual(parseChallenges(['Bearer realm="x']), [{ scheme: 'bearer', params: { realm: 'x' } }]);
  });
});
