import assert from 'node:assert/strict';
import { test } from 'node:test';

import { daemonLogPath, endpointOf, execRootOf, socketPathOf } from './host.js';

test('-H, then BERTH_HOST, name the daemon explicitly; otherwise the exec root\'s socket, where the CLI may start one', () => {
  assert.deepEqual(endpointOf('unix:///x/d.sock', '/run/berth', { BERTH_HOST: 'unix:///y.sock' }), { socket: '/x/d.sock', explicit: true });
  assert.deepEqual(endpointOf(undefined, '/run/berth', { BERTH_HOST: 'unix:///y.sock' }), { socket: '/y.sock', explicit: true });
  assert.deepEqual(endpointOf(undefined, '/run/berth', { BERTH_HOST: '' }), { socket: '/run/berth/berth.sock', explicit: false });
  assert.equal(execRootOf(undefined, {}), '/run/berth');
  assert.equal(execRootOf(undefined, { BERTH_EXEC_ROOT: '/tmp/x' }), '/tmp/x');
  assert.equal(execRootOf('/flag', { BERTH_EXEC_ROOT: '/tmp/x' }), '/flag');
  assert.equal(daemonLogPath('/run/berth'), '/run/berth/berthd.log');
  assert.equal(socketPathOf('/plain.sock'), '/plain.sock');
  assert.throws(() => socketPathOf('tcp://0.0.0.0:2375'), /unix socket only/);
});
