import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { BerthError } from '../../errors.js';
import { shimArgs, shimOptionsFor } from './options.js';

describe('shim options', () => {
  test('every option becomes its flag; the launcher reports on fd 4', () => {
    const args = shimArgs(
      { stateDir: '/run/s', logPath: '/var/log/c.log', logMaxSize: 1000, logMaxFiles: 3, terminal: true, stdin: true, waitAttach: true },
      ['/bin/core', '3', '4'],
    );
    assert.deepEqual(args, [
      '--state', '/run/s', '--log', '/var/log/c.log', '--log-max-size', '1000', '--log-max-files', '3',
      '--console-socket', '--stdin', '--wait-attach', '--sync-fd', '4', '--', '/bin/core', '3', '4',
    ]);
    assert.deepEqual(shimArgs({ stateDir: '/run/s' }, ['x']), ['--state', '/run/s', '--sync-fd', '4', '--', 'x']);
  });

  test('log limits are checked here, not by the shim', () => {
    const invalid = (e: unknown) => e instanceof BerthError && e.category === 'InvalidArgument';
    assert.throws(() => shimArgs({ stateDir: '/s', logMaxSize: -1 }, ['x']), invalid);
    assert.throws(() => shimArgs({ stateDir: '/s', logMaxSize: 1.5 }, ['x']), invalid);
    assert.throws(() => shimArgs({ stateDir: '/s', logMaxFiles: 0 }, ['x']), invalid);
  });

  test('terminal follows the process, and may not contradict it', () => {
    assert.deepEqual(shimOptionsFor({ stateDir: '/s' }, true), { stateDir: '/s', terminal: true });
    assert.deepEqual(shimOptionsFor({ stateDir: '/s', terminal: false }, false), { stateDir: '/s', terminal: false });
    assert.throws(() => shimOptionsFor({ stateDir: '/s', terminal: true }, false), /shim\.terminal: is true but process\.terminal is false/);
    assert.deepEqual(shimOptionsFor({ stateDir: 'rel' }, false).stateDir, `${process.cwd()}/rel`);
  });
});
