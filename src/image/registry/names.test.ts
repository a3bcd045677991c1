import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isBerthError } from '../../errors.js';
import { parseContentRange } from './blob-reader.js';
import { parseTokenResponse } from './authorizer.js';
import { nextLink } from './client.js';
import { checkManifestReference, checkRepository, displayName } from './names.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('names and small parsers of the registry client', () => {
  it('accepts repository paths and refuses anything that could change the URL', () => {
    for (const ok of ['busybox', 'library/busybox', 'a/b/c', 'my-app_x.y/z__w']) assert.equal(checkRepository(ok), ok);
    for (const bad of ['', '../x', 'a//b', 'A/b', 'a/b?c', 'a/b#c', 'a/', '/a', 'a b', 'a/%2e%2e', 'x'.repeat(256)]) {
      assert.throws(() => checkRepository(bad), (e) => isBerthError(e, 'InvalidArgument'), bad);
    }
  });

  it('accepts tags and sha256 digests as manifest references', () => {
    assert.equal(checkManifestReference('latest'), 'latest');
    assert.equal(checkManifestReference('v1.2_3-x'), 'v1.2_3-x');
    assert.equal(checkManifestReference(DIGEST), DIGEST);
    for (const bad of ['', '-x', 'a/b', '../x', 'sha256:abc', 'md5:' + 'a'.repeat(32), 'x?y', 'x'.repeat(129)]) {
      assert.throws(() => checkManifestReference(bad), (e) => isBerthError(e, 'InvalidArgument'), bad);
    }
  });

  it('names manifests like docker', () => {
    assert.equal(displayName('h:5000', 'x/y', 'tag'), 'h:5000/x/y:tag');
    assert.equal(displayName('h:5000', 'x/y', DIGEST), `h:5000/x/y@${DIGEST}`);
    assert.equal(displayName('h:5000', 'x/y'), 'h:5000/x/y');
  });

  it('parses Content-Range', () => {
    assert.deepEqual(parseContentRange('bytes 10-19/20'), { start: 10, end: 19, total: 20 });
    assert.deepEqual(parseContentRange('bytes 0-9/*'), { start: 0, end: 9 });
    assert.equal(parseContentRange('bytes */20'), undefined);
    assert.equal(parseContentRange(undefined), undefined);
  });

  it('parses token answers', () => {
    assert.deepEqual(parseTokenResponse(Buffer.from('{"token":"t","expires_in":300}')), { token: 't', expiresIn: 300 });
    assert.deepEqual(parseTokenResponse(Buffer.from('{"access_token":"a"}')), { token: 'a' });
    assert.deepEqual(parseTokenResponse(Buffer.from('{"token":"","access_token":"a","expires_in":-1}')), { token: 'a' });
    assert.equal(parseTokenResponse(Buffer.from('{}')), undefined);
    assert.equal(parseTokenResponse(Buffer.from('nope')), undefined);
  });

  it('follows Link rel="next"', () => {
    assert.equal(nextLink(['</v2/x/tags/list?last=b&n=2>; rel="next"']), '/v2/x/tags/list?last=b&n=2');
    assert.equal(nextLink(['<https://a/prev>; rel="prev", <https://a/next>; rel=next']), 'https://a/next');
    assert.equal(nextLink([]), undefined);
    assert.equal(nextLink(['<x>; rel="prev"']), undefined);
  });
});
