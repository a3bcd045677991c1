import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { isBerthError } from '../../errors.js';
import { canonicalName, nameToLabels, readName, writeName } from './names.js';
import { WireReader, WireWriter } from './wire.js';

const invalid = (e: unknown) => isBerthError(e, 'InvalidArgument');

function read(bytes: number[], at = 0): { name: string; end: number } {
  const r = new WireReader(Buffer.from(bytes));
  r.offset = at;
  return { name: readName(r), end: r.offset };
}

describe('dns names', () => {
  it('compresses a repeated suffix and reads it back', () => {
    const w = new WireWriter();
    const compression = new Map<string, number>();
    writeName(w, 'www.Example.com', compression);
    const first = w.length;
    writeName(w, 'mail.Example.com.', compression);
    // "mail" label (5 bytes) and a 2-byte pointer to "Example.com" at offset 4.
    assert.equal(w.length - first, 7);
    const buf = w.result();
    assert.deepEqual(buf.subarray(first + 5), Buffer.from([0xc0, 4]));
    const r = new WireReader(buf);
    assert.equal(readName(r), 'www.Example.com');
    assert.equal(readName(r), 'mail.Example.com');
    assert.equal(r.offset, buf.length);
  });

  it('keeps case exact when compressing, so 0x20 randomisation survives', () => {
    const w = new WireWriter();
    const compression = new Map<string, number>();
    writeName(w, 'WeB.net', compression);
    writeName(w, 'web.net', compression);
    const r = new WireReader(w.result());
    assert.equal(readName(r), 'WeB.net');
    assert.equal(readName(r), 'web.net');
  });

  it('round-trips escaped dots, backslashes and unprintable bytes', () => {
    const w = new WireWriter();
    writeName(w, 'a\\.b.c\\\\d.\\000\\255x');
    const buf = w.result();
    assert.deepEqual(buf, Buffer.from([3, 0x61, 0x2e, 0x62, 3, 0x63, 0x5c, 0x64, 3, 0, 255, 0x78, 0]));
    assert.equal(readName(new WireReader(buf)), 'a\\.b.c\\\\d.\\000\\255x');
  });

  it('writes the root as a single zero byte', () => {
    for (const root of ['', '.']) {
      const w = new WireWriter();
      writeName(w, root);
      assert.deepEqual(w.result(), Buffer.from([0]));
    }
    assert.equal(read([0]).name, '');
  });

  it('rejects names that cannot be encoded', () => {
    for (const bad of ['a..b', '.a', `${'x'.repeat(64)}.com`, `${'abcdefg.'.repeat(32)}com`, 'a\\', 'ü€']) {
      assert.throws(() => nameToLabels(bad), invalid, bad);
    }
    assert.equal(nameToLabels(`${'x'.repeat(63)}.com`).length, 2);
  });

  it('folds ASCII case and one trailing dot for comparison', () => {
    assert.equal(canonicalName('Web.MyNet.'), 'web.mynet');
    assert.equal(canonicalName('web'), 'web');
    assert.equal(canonicalName('a\\.'), 'a\\.', 'an escaped dot is part of the label');
    assert.equal(canonicalName('a\\\\.'), 'a\\\\', 'an escaped backslash, then the trailing dot');
  });

  it('follows pointers and resumes after the first one', () => {
    // offset 0: "b" + root; offset 3: "a" + pointer to 0; then one more byte.
    assert.deepEqual(read([1, 0x62, 0, 1, 0x61, 0xc0, 0, 0xff], 3), { name: 'a.b', end: 7 });
  });

  it('refuses pointer loops and forward pointers', () => {
    assert.throws(() => read([0xc0, 0]), /does not point backwards/, 'pointer to itself');
    assert.throws(() => read([0xc0, 2, 0]), /does not point backwards/, 'forward pointer');
    // 0: "a" then pointer to 4; 4: pointer to 0 — a two-step loop.
    assert.throws(() => read([1, 0x61, 0xc0, 4, 0xc0, 0], 4), /does not point backwards/);
    // a chain that goes back and then tries to jump forward again
    assert.throws(() => read([1, 0x61, 0xc0, 6, 0, 0, 0xc0, 0], 6), /does not point backwards/);
  });

  it('refuses truncated names, reserved label types and oversized names', () => {
    assert.throws(() => read([]), /truncated/);
    assert.throws(() => read([3, 0x61, 0x62]), /truncated/);
    assert.throws(() => read([1, 0x61]), /truncated/, 'no terminating root');
    assert.throws(() => read([0xc0]), /truncated/, 'half a pointer');
    assert.throws(() => read([0x40, 0]), /unsupported label type/);
    assert.throws(() => read([0x80, 0]), /unsupported label type/);
    const long: number[] = [];
    for (let i = 0; i < 64; i++) long.push(3, 0x61, 0x62, 0x63);
    long.push(0);
    assert.throws(() => read(long), /longer than 255/);
  });
});
