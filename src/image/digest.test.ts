import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { isBerthError } from '../errors.js';
import { checkDigest, DigestingStream, Digester, digestHex, isDigest, parseDigest, sha256Digest } from './digest.js';

const EMPTY = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('digest', () => {
  it('hashes buffers and strings', () => {
    assert.equal(sha256Digest(Buffer.alloc(0)), EMPTY);
    assert.equal(sha256Digest('abc'), 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('parses sha256 digests', () => {
    assert.deepEqual(parseDigest(EMPTY), { algorithm: 'sha256', hex: EMPTY.slice(7) });
    assert.equal(digestHex(EMPTY), EMPTY.slice(7));
    assert.equal(checkDigest(EMPTY), EMPTY);
    assert.ok(isDigest(EMPTY));
  });

  it('rejects malformed digests as InvalidArgument', () => {
    for (const bad of ['', 'sha256', 'sha256:', 'sha256:abc', `sha256:${'A'.repeat(64)}`, `sha256:${'a'.repeat(65)}`, 'sha256:../../etc/passwd', ':abc', `SHA256:${'a'.repeat(64)}`]) {
      assert.equal(isDigest(bad), false, bad);
      assert.throws(() => parseDigest(bad), (e: unknown) => isBerthError(e, 'InvalidArgument'), bad);
    }
  });

  it('names unsupported algorithms', () => {
    assert.throws(() => parseDigest(`sha512:${'a'.repeat(128)}`), /unsupported digest algorithm "sha512"/);
    assert.throws(() => parseDigest(`blake3:${'a'.repeat(64)}`, 'layer'), /^BerthError: layer "blake3:a+…?": unsupported digest algorithm "blake3"$/);
  });

  it('digests piecewise and through a stream', async () => {
    const d = new Digester().update(Buffer.from('a')).update(Buffer.from('bc'));
    assert.equal(d.size, 3);
    assert.equal(d.digest(), sha256Digest('abc'));
    assert.equal(d.digest(), sha256Digest('abc'), 'digest() can be asked twice');

    const ds = new DigestingStream();
    const seen: Buffer[] = [];
    await pipeline(
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
      ds,
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          seen.push(chunk);
          cb();
        },
      }),
    );
    assert.equal(Buffer.concat(seen).toString(), 'hello world');
    assert.equal(ds.size, 11);
    assert.equal(ds.digest(), sha256Digest('hello world'));
  });
});
