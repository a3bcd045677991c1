import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { isBerthError } from '../errors.js';
import type { Descriptor, Platform } from './descriptor.js';
import type { ImageIndex } from './manifest.js';
import { MediaType } from './media-types.js';
import {
  compatiblePlatforms,
  formatPlatform,
  hostPlatform,
  normalizePlatform,
  parsePlatform,
  platformMatches,
  selectManifest,
} from './platform.js';

const AMD64_HOST: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64_HOST: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };

let n = 0;
function entry(platform?: Platform, mediaType: string = MediaType.OciManifest): Descriptor {
  n++;
  const d: Descriptor = { mediaType, size: 100, digest: `sha256:${n.toString(16).padStart(64, '0')}` };
  if (platform) d.platform = platform;
  return d;
}
const index = (...manifests: Descriptor[]): ImageIndex => ({ schemaVersion: 2, manifests });
const p = (s: string) => parsePlatform(s, AMD64_HOST);

describe('parsePlatform', () => {
  it('parses os/arch/variant, normalizing aliases', () => {
    const table: [string, Platform][] = [
      ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
      ['linux/x86_64', { os: 'linux', architecture: 'amd64' }],
      ['linux/amd64/v1', { os: 'linux', architecture: 'amd64' }],
      ['linux/amd64/v3', { os: 'linux', architecture: 'amd64', variant: 'v3' }],
      ['Linux/AMD64', { os: 'linux', architecture: 'amd64' }],
      ['linux/arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
      ['linux/aarch64', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
      ['linux/arm64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
      ['linux/arm64/8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
      ['linux/arm', { os: 'linux', architecture: 'arm', variant: 'v7' }],
      ['linux/arm/6', { os: 'linux', architecture: 'arm', variant: 'v6' }],
      ['linux/armhf', { os: 'linux', architecture: 'arm', variant: 'v7' }],
      ['linux/armel', { os: 'linux', architecture: 'arm', variant: 'v6' }],
      ['linux/i386', { os: 'linux', architecture: '386' }],
      ['linux/s390x', { os: 'linux', architecture: 's390x' }],
      ['linux', { os: 'linux', architecture: 'amd64' }],
      ['arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
      ['windows/amd64', { os: 'windows', architecture: 'amd64' }],
    ];
    for (const [s, want] of table) assert.deepEqual(p(s), want, s);
  });

  it('rejects nonsense', () => {
    for (const s of ['', 'linux/', '/amd64', 'a/b/c/d', 'linux/amd 64', 'bogus', 'linux/*']) {
      assert.throws(() => p(s), (e: unknown) => isBerthError(e, 'InvalidArgument') && e.message.startsWith(`platform ${JSON.stringify(s)}`), s);
    }
  });

  it('formats', () => {
    assert.equal(formatPlatform(p('linux/arm64')), 'linux/arm64/v8');
    assert.equal(formatPlatform(p('linux/amd64')), 'linux/amd64');
  });
});

describe('hostPlatform', () => {
  it('maps Node arch names to OCI ones', () => {
    assert.deepEqual(hostPlatform('x64', 'linux'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(hostPlatform('arm64', 'linux'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(hostPlatform('arm', 'linux', '6'), { os: 'linux', architecture: 'arm', variant: 'v6' });
    assert.deepEqual(hostPlatform('ia32', 'linux'), { os: 'linux', architecture: '386' });
    assert.deepEqual(hostPlatform('s390x', 'linux'), { os: 'linux', architecture: 's390x' });
    assert.deepEqual(hostPlatform('ppc64', 'linux'), { os: 'linux', architecture: 'ppc64le' });
    assert.equal(hostPlatform().os, process.platform);
  });
});

describe('platform matching', () => {
  it('treats arm64 with and without v8 alike', () => {
    assert.ok(platformMatches({ os: 'linux', architecture: 'arm64' }, ARM64_HOST, true));
    assert.ok(platformMatches(ARM64_HOST, { os: 'linux', architecture: 'arm64' }, true));
    assert.ok(platformMatches({ os: 'linux', architecture: 'aarch64', variant: '8' }, ARM64_HOST, true));
    assert.ok(!platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v9' }, ARM64_HOST, true));
    assert.ok(!platformMatches({ os: 'windows', architecture: 'arm64' }, ARM64_HOST));
  });

  it('lets a host run older variants unless strict', () => {
    assert.deepEqual(compatiblePlatforms(p('linux/amd64/v3')).map(formatPlatform), [
      'linux/amd64/v3',
      'linux/amd64/v2',
      'linux/amd64',
      'linux/386',
    ]);
    assert.deepEqual(compatiblePlatforms(ARM64_HOST).map(formatPlatform), [
      'linux/arm64/v8',
      'linux/arm/v8',
      'linux/arm/v7',
      'linux/arm/v6',
      'linux/arm/v5',
    ]);
    assert.deepEqual(compatiblePlatforms(p('linux/arm/v6')).map(formatPlatform), ['linux/arm/v6', 'linux/arm/v5']);
    assert.ok(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v7' }, ARM64_HOST));
    assert.ok(!platformMatches({ os: 'linux', architecture: 'arm', variant: 'v7' }, ARM64_HOST, true));
    assert.ok(!platformMatches(p('linux/arm/v7'), p('linux/arm/v6')));
    assert.equal(normalizePlatform({ os: 'linux', architecture: 'arm' }).variant, 'v7');
  });
});

describe('selectManifest', () => {
  const amd64 = entry({ os: 'linux', architecture: 'amd64' });
  const arm64 = entry({ os: 'linux', architecture: 'arm64', variant: 'v8' });
  const armv7 = entry({ os: 'linux', architecture: 'arm', variant: 'v7' });
  const armv6 = entry({ os: 'linux', architecture: 'arm', variant: 'v6' });
  const s390x = entry({ os: 'linux', architecture: 's390x' });
  const i386 = entry({ os: 'linux', architecture: '386' });
  const attestation = entry({ os: 'unknown', architecture: 'unknown' });

  it('picks the exact match', () => {
    const idx = index(attestation, armv6, armv7, arm64, amd64, s390x);
    assert.equal(selectManifest(idx, AMD64_HOST), amd64);
    assert.equal(selectManifest(idx, ARM64_HOST), arm64);
    assert.equal(selectManifest(idx, { os: 'linux', architecture: 'arm64' }), arm64);
    assert.equal(selectManifest(idx, p('linux/arm/v7')), armv7);
    assert.equal(selectManifest(idx, p('linux/arm/v6')), armv6);
  });

  it('matches an arm64 entry written without a variant', () => {
    const bare = entry({ os: 'linux', architecture: 'arm64' });
    assert.equal(selectManifest(index(amd64, bare), ARM64_HOST), bare);
  });

  it('prefers the best compatible one and takes the first among equals', () => {
    assert.equal(selectManifest(index(armv6, armv7), ARM64_HOST), armv7);
    assert.equal(selectManifest(index(i386, s390x), AMD64_HOST), i386);
    const twin = entry({ os: 'linux', architecture: 'amd64' });
    assert.equal(selectManifest(index(amd64, twin), AMD64_HOST), amd64);
  });

  it('falls back to an entry without a platform', () => {
    const bare = entry();
    const nested = entry(undefined, 'application/vnd.in-toto+json');
    assert.equal(selectManifest(index(nested, s390x, bare), AMD64_HOST), bare);
  });

  it('says what there is when nothing matches', () => {
    assert.throws(
      () => selectManifest(index(arm64, attestation, s390x), AMD64_HOST),
      (e: unknown) =>
        isBerthError(e, 'NotFound') &&
        e.message === 'no matching manifest for linux/amd64 in the manifest list entries (available: linux/arm64/v8, linux/s390x)',
    );
    assert.throws(() => selectManifest(index(armv7), ARM64_HOST, { strict: true }), /available: linux\/arm\/v7\)$/);
    assert.throws(() => selectManifest(index(), AMD64_HOST), /\(available: none\)$/);
  });
});
