import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';

import { encodeHeader } from './tar-header.js';
import { extractTar, rebaseName, safeTarget } from './extract.js';
import { readTar } from './tar-read.js';
import { writeTar } from './tar-write.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-test-tar-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const longName = `${'d'.repeat(60)}/${'f'.repeat(70)}.txt`;
function tree(root: string): void {
  mkdirSync(path.join(root, 'sub', 'd'.repeat(60)), { recursive: true });
  writeFileSync(path.join(root, 'a.txt'), 'one\n', { mode: 0o640 });
  writeFileSync(path.join(root, 'empty'), '');
  writeFileSync(path.join(root, 'sub', longName), 'long\n');
  symlinkSync('a.txt', path.join(root, 'link'));
  utimesSync(path.join(root, 'a.txt'), 1_700_000_000, 1_700_000_000);
}

const chunks = async (gen: AsyncIterable<Buffer>) => {
  const out: Buffer[] = [];
  for await (const c of gen) out.push(c);
  return Buffer.concat(out);
};

test('what writeTar packs, GNU tar reads: names (long ones too), modes, links, times', async () => {
  const src = path.join(dir, 'src');
  tree(src);
  const archive = await chunks(writeTar(src, 'renamed'));
  assert.equal(archive.length % 512, 0);
  const listing = execFileSync('tar', ['-tvf', '-'], { input: archive }).toString();
  assert.match(listing, /^-rw-r----- .* 4 2023-11-1\d \d\d:\d\d renamed\/a\.txt$/m);
  assert.match(listing, /renamed\/link -> a\.txt/);
  assert.ok(listing.includes(`renamed/sub/${longName}`), listing);
  const out = path.join(dir, 'gnu-out');
  mkdirSync(out);
  execFileSync('tar', ['-xf', '-', '-C', out], { input: await chunks(writeTar(src, '')) });
  assert.equal(readFileSync(path.join(out, 'sub', longName), 'utf8'), 'long\n');
  assert.equal(readlinkSync(path.join(out, 'link')), 'a.txt');
});

test('readTar and extractTar read GNU tar\'s archives (ustar, GNU long names, PAX), renaming the root', async () => {
  const src = path.join(dir, 'src2');
  tree(src);
  for (const format of ['gnu', 'pax', 'ustar']) {
    const made = spawnSync('tar', [`--format=${format}`, '-cf', '-', '-C', dir, 'src2']);
    if (format === 'ustar' && made.status !== 0) continue; // the 130-character name does not fit ustar
    const names: string[] = [];
    for await (const { entry } of readTar(Readable.from([made.stdout]))) names.push(entry.name);
    assert.ok(names.includes(`src2/sub/${longName}`), `${format}: ${names.join(' ')}`);
    const to = path.join(dir, `x-${format}`);
    mkdirSync(to);
    await extractTar(Readable.from([made.stdout]), to, { from: 'src2', to: 'copy' });
    assert.equal(readFileSync(path.join(to, 'copy', 'sub', longName), 'utf8'), 'long\n');
    assert.equal(statSync(path.join(to, 'copy', 'a.txt')).mode & 0o777, 0o640);
    assert.equal(statSync(path.join(to, 'copy', 'a.txt')).mtimeMs, 1_700_000_000_000);
    assert.equal(readlinkSync(path.join(to, 'copy', 'link')), 'a.txt');
  }
});

test('extraction stays inside its directory and does not replace a directory by a file', async () => {
  const entry = (name: string, body = 'x', type: 'file' | 'symlink' = 'file', linkname = '') =>
    Buffer.concat([encodeHeader({ name, type, mode: 0o644, uid: 0, gid: 0, size: type === 'file' ? body.length : 0, mtime: 0, linkname }), Buffer.from(type === 'file' ? body.padEnd(512, '\0') : '')]);
  const tar = (...parts: Buffer[]) => Readable.from([Buffer.concat([...parts, Buffer.alloc(1024)])]);
  const to = path.join(dir, 'safe');
  mkdirSync(path.join(to, 'adir'), { recursive: true });
  await assert.rejects(extractTar(tar(entry('../evil')), to), /invalid path/);
  await assert.rejects(extractTar(tar(entry('escape', '', 'symlink', '/'), entry('escape/etc-passwd')), to), /invalid path/);
  await assert.rejects(extractTar(tar(entry('adir')), to), /cannot overwrite directory/);
  await extractTar(tar(entry('/abs/ok.txt', 'fine')), to);
  assert.equal(readFileSync(path.join(to, 'abs', 'ok.txt'), 'utf8'), 'fine');
  assert.equal(safeTarget('/x', 'a/../../b'), undefined);
  assert.equal(rebaseName('./src/a', { from: 'src', to: 'dst' }), 'dst/a');
  assert.equal(rebaseName('./a', { from: '.', to: 'dst' }), 'dst/a');
  assert.equal(rebaseName('srcx/a', { from: 'src', to: 'dst' }), 'srcx/a');
});
