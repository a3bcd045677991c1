import assert from 'node:assert/strict';
import { test } from 'node:test';

import { absContainerPath, goBase, splitLast } from './container-path.js';
import { GoMode, goFileMode } from './go-file-mode.js';

test('container paths keep the trailing "/" and "/." that change their meaning', () => {
  const cases: [string, string][] = [
    ['', '/.'], // Go's Base("") is ".": an empty path is the root's content
    ['/', '/'],
    ['.', '/.'],
    ['etc', '/etc'],
    ['/etc/', '/etc/'],
    ['/etc/.', '/etc/.'],
    ['/etc/./', '/etc/./'],
    ['//etc//x/../hostname', '/etc/hostname'],
    ['/../../etc', '/etc'],
    ['/etc/..', '/'],
    ['/./', '/./'],
  ];
  for (const [given, want] of cases) assert.equal(absContainerPath(given), want, given);
  assert.throws(() => absContainerPath('/etc/\0x'), { message: 'path "/etc/\\u0000x": must not contain a NUL byte' });
});

test('Go’s Base and Split', () => {
  assert.deepEqual(['/etc/hostname', '/etc/', '/etc/.', '/', '', 'x'].map(goBase), ['hostname', 'etc', '.', '/', '.', 'x']);
  assert.deepEqual(splitLast('/etc/hostname'), { dir: '/etc/', base: 'hostname' });
  assert.deepEqual(splitLast('/etc/'), { dir: '/etc/', base: '' });
  assert.deepEqual(splitLast('/'), { dir: '/', base: '' });
});

test('POSIX modes become Go os.FileMode bits', () => {
  assert.equal(goFileMode(0o100644), 0o644);
  assert.equal(goFileMode(0o040755), 2 ** 31 + 0o755);
  assert.equal(goFileMode(0o120777), 2 ** 27 + 0o777);
  assert.equal(goFileMode(0o104755), GoMode.setuid + 0o755);
  assert.equal(goFileMode(0o042775), GoMode.dir + GoMode.setgid + 0o775);
  assert.equal(goFileMode(0o041777), GoMode.dir + GoMode.sticky + 0o777);
  assert.equal(goFileMode(0o020666), GoMode.device + GoMode.charDevice + 0o666);
  assert.equal(goFileMode(0o060660), GoMode.device + 0o660);
  assert.equal(goFileMode(0o010600), GoMode.namedPipe + 0o600);
  assert.equal(goFileMode(0o140755), GoMode.socket + 0o755);
});
