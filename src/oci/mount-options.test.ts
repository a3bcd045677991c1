import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MOUNT_ATTR__ATIME,
  MOUNT_ATTR_NOATIME,
  MOUNT_ATTR_NOSUID,
  MOUNT_ATTR_RDONLY,
  MS_BIND,
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  MS_PRIVATE,
  MS_RDONLY,
  MS_REC,
  MS_RELATIME,
  MS_SHARED,
  MS_SLAVE,
  MS_STRICTATIME,
  MS_UNBINDABLE,
  parseMountOptions,
  rootfsPropagationFlags,
} from './mount-options.js';

describe('parseMountOptions', () => {
  it('uses the kernel values', () => {
    assert.equal(MS_RDONLY, 1);
    assert.equal(MS_BIND, 4096);
    assert.equal(MS_REC, 16384);
    assert.equal(MS_PRIVATE, 1 << 18);
    assert.equal(MS_STRICTATIME, 1 << 24);
  });

  it('splits flags from tmpfs data', () => {
    const o = parseMountOptions(['nosuid', 'strictatime', 'mode=755', 'size=65536k']);
    assert.equal(o.flags, MS_NOSUID | MS_STRICTATIME);
    assert.equal(o.data, 'mode=755,size=65536k');
    assert.deepEqual(o.propagation, []);
    assert.equal(o.isBind, false);
    assert.equal(o.isRecursive, false);
  });

  it('keeps devpts data in order', () => {
    const o = parseMountOptions(['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']);
    assert.equal(o.flags, MS_NOSUID | MS_NOEXEC);
    assert.equal(o.data, 'newinstance,ptmxmode=0666,mode=0620,gid=5');
  });

  it('lets later options win', () => {
    const o = parseMountOptions(['ro', 'rw', 'nodev', 'dev', 'noexec']);
    assert.equal(o.flags, MS_NOEXEC);
    assert.equal(o.clearedFlags, MS_RDONLY | MS_NODEV);
    const p = parseMountOptions(['rw', 'ro']);
    assert.equal(p.flags, MS_RDONLY);
    assert.equal(p.clearedFlags, 0);
  });

  it('recognises bind and rbind', () => {
    const b = parseMountOptions(['bind', 'ro']);
    assert.equal(b.flags, MS_BIND | MS_RDONLY);
    assert.equal(b.isBind, true);
    assert.equal(b.isRecursive, false);
    const r = parseMountOptions(['rbind', 'nosuid', 'relatime']);
    assert.equal(r.flags, MS_BIND | MS_REC | MS_NOSUID | MS_RELATIME);
    assert.equal(r.isBind, true);
    assert.equal(r.isRecursive, true);
    assert.equal(r.data, '');
  });

  it('lists propagation separately, in order', () => {
    const o = parseMountOptions(['rbind', 'rprivate', 'shared', 'slave', 'runbindable']);
    assert.equal(o.flags, MS_BIND | MS_REC);
    assert.deepEqual(o.propagation, [MS_PRIVATE | MS_REC, MS_SHARED, MS_SLAVE, MS_UNBINDABLE | MS_REC]);
  });

  it('collects recursive attributes', () => {
    const o = parseMountOptions(['rbind', 'rro', 'rnosuid', 'rnoatime']);
    assert.equal(o.recAttrSet, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME);
    assert.equal(o.recAttrClr, MOUNT_ATTR__ATIME);
    const p = parseMountOptions(['rro', 'rrw']);
    assert.equal(p.recAttrSet, 0);
    assert.equal(p.recAttrClr, MOUNT_ATTR_RDONLY);
    assert.equal(p.flags, 0);
  });

  it('separates runtime extensions and ignores empty and "defaults"', () => {
    const o = parseMountOptions(['defaults', '', 'tmpcopyup', 'idmap', 'uid=1000']);
    assert.equal(o.flags, 0);
    assert.deepEqual(o.extensions, ['tmpcopyup', 'idmap']);
    assert.equal(o.data, 'uid=1000');
  });

  it('accepts no options', () => {
    const o = parseMountOptions(undefined);
    assert.equal(o.flags, 0);
    assert.equal(o.data, '');
  });
});

describe('rootfsPropagationFlags', () => {
  it('maps names', () => {
    assert.equal(rootfsPropagationFlags('private'), MS_PRIVATE);
    assert.equal(rootfsPropagationFlags('rshared'), MS_SHARED | MS_REC);
    assert.equal(rootfsPropagationFlags('unbindable'), MS_UNBINDABLE);
  });

  it('defaults to rslave', () => {
    assert.equal(rootfsPropagationFlags(undefined), MS_SLAVE | MS_REC);
    assert.equal(rootfsPropagationFlags(''), MS_SLAVE | MS_REC);
  });

  it('rejects unknown names', () => {
    assert.throws(() => rootfsPropagationFlags('rbind'), /^BerthError: linux\.rootfsPropagation: unknown propagation "rbind"$/);
  });
});
