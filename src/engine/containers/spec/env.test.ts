import assert from 'node:assert/strict';
import { test } from 'node:test';

import { containerEnv, replaceOrAppendEnv } from './env.js';

test('replace by name, append the rest, a bare name unsets', () => {
  assert.deepEqual(replaceOrAppendEnv(['PATH=/bin', 'HOSTNAME=h'], ['HOSTNAME=x', 'A=1', 'PATH', 'NOPE']), ['HOSTNAME=x', 'A=1']);
  assert.deepEqual(replaceOrAppendEnv([], ['A=1', 'A=2', 'B=', 'A']), ['B=']);
});

test('PATH, HOSTNAME and TERM with a tty come first', () => {
  assert.deepEqual(containerEnv('web', true, ['X=1']), ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=web', 'TERM=xterm', 'X=1']);
  assert.deepEqual(containerEnv('web', false, ['TERM=dumb']).at(-1), 'TERM=dumb');
});
