import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';

import { StreamError } from '../errors.js';
import { frame } from './fake-daemon.test-util.js';
import { demuxTo, StdcopyDemuxer } from './stdcopy.js';

const collect = (s: PassThrough) => {
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  return () => text;
};

test('frames cut anywhere are put back together, in order, each to its stream', () => {
  const all = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, 'out two\n'), frame(1, '')]);
  for (let cut = 1; cut < all.length; cut++) {
    const got: [number, string][] = [];
    const d = new StdcopyDemuxer((s, p) => got.push([s, p.toString()]));
    d.push(all.subarray(0, cut));
    d.push(all.subarray(cut));
    assert.deepEqual(got, [[1, 'out one\n'], [2, 'err\n'], [1, 'out two\n'], [1, '']], `cut at ${cut}`);
    assert.equal(d.pending, 0);
  }
  const byteByByte: string[] = [];
  const d = new StdcopyDemuxer((s, p) => byteByByte.push(`${s}${p.toString()}`));
  for (const b of all) d.push(Buffer.from([b]));
  assert.deepEqual(byteByByte, ['1out one\n', '2err\n', '1out two\n', '1']);
});

test('demuxTo writes stdout and stderr apart; a stream-3 frame is the daemon\'s error', async () => {
  const out = new PassThrough();
  const err = new PassThrough();
  const [o, e] = [collect(out), collect(err)];
  async function* source() {
    yield frame(1, 'a');
    yield Buffer.concat([frame(2, 'b'), frame(1, 'c').subarray(0, 3)]);
    yield frame(1, 'c').subarray(3);
  }
  await demuxTo(source(), out, err);
  assert.equal(o(), 'ac');
  assert.equal(e(), 'b');
  async function* failing() {
    yield frame(1, 'x');
    yield frame(3, 'exec failed: no such file\n');
  }
  await assert.rejects(demuxTo(failing(), out, err), (x: unknown) => x instanceof StreamError && x.message === 'exec failed: no such file');
  await assert.rejects(demuxTo((async function* () { yield Buffer.from([9, 0, 0, 0, 0, 0, 0, 0]); })(), out, err), /unrecognized stream/);
});
