import assert from 'node:assert/strict';
import { test } from 'node:test';

import { familiarString, fullString, parseImageRef, withDefaultTag } from './reference.js';

test('names are normalized as docker normalizes them', () => {
  assert.deepEqual(parseImageRef('busybox'), { domain: 'docker.io', path: 'library/busybox' });
  assert.equal(fullString(withDefaultTag(parseImageRef('busybox'))), 'docker.io/library/busybox:latest');
  assert.equal(fullString(parseImageRef('user/app:1.0')), 'docker.io/user/app:1.0');
  assert.equal(fullString(parseImageRef('127.0.0.1:5000/berth/app:1.0')), '127.0.0.1:5000/berth/app:1.0');
  assert.equal(fullString(parseImageRef('localhost/app')), 'localhost/app');
  assert.equal(fullString(parseImageRef('index.docker.io/library/alpine:3')), 'docker.io/library/alpine:3');
  const digest = `sha256:${'a'.repeat(64)}`;
  assert.deepEqual(parseImageRef(`h:5000/a/b@${digest}`), { domain: 'h:5000', path: 'a/b', digest });
  assert.equal(fullString(withDefaultTag(parseImageRef(`h:5000/a/b@${digest}`))), `h:5000/a/b@${digest}`);
  assert.equal(familiarString(withDefaultTag(parseImageRef('docker.io/library/busybox'))), 'busybox:latest');
  assert.equal(familiarString(parseImageRef('user/app')), 'user/app');
  assert.equal(familiarString(parseImageRef('h:5000/x:1')), 'h:5000/x:1');
});

test('bad names get docker\'s messages', () => {
  assert.throws(() => parseImageRef('Not/Lower'), /^Error: invalid reference format: repository name \(Lower\) must be lowercase$/);
  assert.throws(() => parseImageRef('UPPER'), /repository name \(library\/UPPER\) must be lowercase/);
  assert.throws(() => parseImageRef('a b'), /^Error: invalid reference format$/);
  assert.throws(() => parseImageRef('x:'), /invalid reference format/);
  assert.throws(() => parseImageRef('a'.repeat(64).replace(/a/g, 'f')), /cannot specify 64-byte hexadecimal strings/);
});
