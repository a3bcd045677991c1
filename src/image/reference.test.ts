import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { isBerthError } from '../errors.js';
import {
  checkTag,
  familiarName,
  familiarString,
  fullName,
  fullString,
  normalizeImageName,
  parseReference,
  withDefaultTag,
  type Reference,
} from './reference.js';

const D = `sha256:${'a'.repeat(64)}`;

// input → [domain, path, tag, digest, familiarString]
const VALID: [string, Reference, string][] = [
  ['busybox', { domain: 'docker.io', path: 'library/busybox' }, 'busybox'],
  ['busybox:latest', { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }, 'busybox:latest'],
  ['busybox:1.36.1-musl', { domain: 'docker.io', path: 'library/busybox', tag: '1.36.1-musl' }, 'busybox:1.36.1-musl'],
  ['busybox:Latest_X', { domain: 'docker.io', path: 'library/busybox', tag: 'Latest_X' }, 'busybox:Latest_X'],
  ['user/app:1.0', { domain: 'docker.io', path: 'user/app', tag: '1.0' }, 'user/app:1.0'],
  ['library/busybox', { domain: 'docker.io', path: 'library/busybox' }, 'busybox'],
  ['docker.io/busybox', { domain: 'docker.io', path: 'library/busybox' }, 'busybox'],
  ['docker.io/library/busybox:latest', { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }, 'busybox:latest'],
  ['index.docker.io/library/busybox', { domain: 'docker.io', path: 'library/busybox' }, 'busybox'],
  ['index.docker.io/busybox', { domain: 'docker.io', path: 'library/busybox' }, 'busybox'],
  ['docker.io/library/a/b', { domain: 'docker.io', path: 'library/a/b' }, 'library/a/b'],
  ['localhost/x', { domain: 'localhost', path: 'x' }, 'localhost/x'],
  ['localhost:5000/x:1', { domain: 'localhost:5000', path: 'x', tag: '1' }, 'localhost:5000/x:1'],
  ['host:5000/ns/name:tag', { domain: 'host:5000', path: 'ns/name', tag: 'tag' }, 'host:5000/ns/name:tag'],
  ['ghcr.io/org/team/app', { domain: 'ghcr.io', path: 'org/team/app' }, 'ghcr.io/org/team/app'],
  ['registry-1.example.com/a', { domain: 'registry-1.example.com', path: 'a' }, 'registry-1.example.com/a'],
  ['127.0.0.1:5000/a', { domain: '127.0.0.1:5000', path: 'a' }, '127.0.0.1:5000/a'],
  ['[::1]:5000/a:b', { domain: '[::1]:5000', path: 'a', tag: 'b' }, '[::1]:5000/a:b'],
  // An upper-case first component can only be a host (docker does the same).
  ['Example/app', { domain: 'Example', path: 'app' }, 'Example/app'],
  // "localhost:5000" alone is an image "localhost" with tag "5000".
  ['localhost:5000', { domain: 'docker.io', path: 'library/localhost', tag: '5000' }, 'localhost:5000'],
  ['a/b-c__d--e.f_g', { domain: 'docker.io', path: 'a/b-c__d--e.f_g' }, 'a/b-c__d--e.f_g'],
  [`busybox@${D}`, { domain: 'docker.io', path: 'library/busybox', digest: D }, `busybox@${D}`],
  [`busybox:1@${D}`, { domain: 'docker.io', path: 'library/busybox', tag: '1', digest: D }, `busybox:1@${D}`],
  [`host:5000/a/b@${D}`, { domain: 'host:5000', path: 'a/b', digest: D }, `host:5000/a/b@${D}`],
  [`busybox:${'t'.repeat(128)}`, { domain: 'docker.io', path: 'library/busybox', tag: 't'.repeat(128) }, `busybox:${'t'.repeat(128)}`],
];

const INVALID: [string, RegExp][] = [
  ['', /repository name must have at least one component/],
  ['Busybox', /^invalid reference format: repository name \(library\/Busybox\) must be lowercase$/],
  ['user/App', /repository name \(user\/App\) must be lowercase/],
  ['ghcr.io/Org/app:1', /repository name \(Org\/app\) must be lowercase/],
  ['a'.repeat(64), /64-character hexadecimal/],
  [`a/${'b'.repeat(260)}`, /must not be more than 255 characters/],
  ['busybox:', /invalid reference format/],
  [':tag', /invalid reference format/],
  ['busybox::1', /invalid reference format/],
  ['busybox:-x', /invalid reference format/],
  [`busybox:${'t'.repeat(129)}`, /invalid reference format/],
  ['bu sy', /invalid reference format/],
  ['busy!box', /invalid reference format/],
  ['-busybox', /invalid reference format/],
  ['busybox-', /invalid reference format/],
  ['a___b', /invalid reference format/],
  ['a//b', /invalid reference format/],
  ['a/', /invalid reference format/],
  ['/a', /invalid reference format/],
  ['host:abc/x', /invalid registry host "host:abc"/],
  ['-host.com/x', /invalid registry host/],
  ['busybox@sha256:abc', /invalid reference format/],
  ['busybox@', /invalid reference format/],
  [`busybox@sha512:${'a'.repeat(128)}`, /unsupported digest algorithm "sha512"/],
  [`busybox@sha256:${'A'.repeat(64)}`, /invalid reference format: .*invalid sha256 digest/],
  [`busybox@${D}:tag`, /invalid reference format/],
];

describe('parseReference', () => {
  for (const [input, want, familiar] of VALID) {
    it(`parses ${JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input)}`, () => {
      const ref = parseReference(input);
      assert.deepEqual(ref, want);
      assert.equal(familiarString(ref), familiar);
      assert.deepEqual(parseReference(fullString(ref)), ref, 'the full string parses back to the same');
      assert.deepEqual(parseReference(familiarString(ref)), ref, 'so does the familiar one');
    });
  }

  for (const [input, want] of INVALID) {
    it(`rejects ${JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input)}`, () => {
      assert.throws(
        () => parseReference(input),
        (e: unknown) => isBerthError(e, 'InvalidArgument') && e.message.startsWith('invalid reference format: ') && want.test(e.message),
      );
    });
  }
});

describe('reference helpers', () => {
  it('adds "latest" only when there is neither tag nor digest', () => {
    assert.equal(withDefaultTag(parseReference('busybox')).tag, 'latest');
    assert.equal(withDefaultTag(parseReference('busybox:1')).tag, '1');
    assert.equal(withDefaultTag(parseReference(`busybox@${D}`)).tag, undefined);
  });

  it('prints full and familiar forms', () => {
    const ref = withDefaultTag(parseReference('busybox'));
    assert.equal(fullString(ref), 'docker.io/library/busybox:latest');
    assert.equal(familiarString(ref), 'busybox:latest');
    assert.equal(fullName(ref), 'docker.io/library/busybox');
    assert.equal(familiarName(ref), 'busybox');
    assert.equal(familiarName(parseReference('user/app')), 'user/app');
    assert.equal(fullString(parseReference('localhost/x')), 'localhost/x');
  });

  it('normalizes image names for storage', () => {
    assert.equal(normalizeImageName('busybox'), 'docker.io/library/busybox:latest');
    assert.equal(normalizeImageName('docker.io/library/busybox:latest'), 'docker.io/library/busybox:latest');
    assert.equal(normalizeImageName(`busybox@${D}`), `docker.io/library/busybox@${D}`);
    assert.equal(normalizeImageName('host:5000/x'), 'host:5000/x:latest');
  });

  it('checks bare tags', () => {
    assert.equal(checkTag('v1.2_3-rc'), 'v1.2_3-rc');
    assert.throws(() => checkTag('.x'), /invalid reference format: invalid tag "\.x"/);
    assert.throws(() => checkTag('a/b'), /invalid tag/);
    assert.throws(() => checkTag(''), /invalid tag/);
  });
});
