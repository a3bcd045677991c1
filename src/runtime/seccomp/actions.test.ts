import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isBerthError } from '../../errors.js';
import { actionValue, describeAction } from './actions.js';
import { seccompFlags } from './flags.js';

const act = (action: unknown, errnoRet?: unknown): number => actionValue(action, 'f.action', errnoRet, 'f.errnoRet');

function assertInvalid(fn: () => unknown, context: string, detail: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isBerthError(e, 'InvalidArgument'), String(e));
    assert.equal(e.context, context);
    assert.match(e.detail, detail);
    return true;
  });
}

describe('actionValue', () => {
  test('uses the kernel SECCOMP_RET_* values', () => {
    assert.equal(act('SCMP_ACT_ALLOW'), 0x7fff0000);
    assert.equal(act('SCMP_ACT_KILL'), 0);
    assert.equal(act('SCMP_ACT_KILL_THREAD'), 0);
    assert.equal(act('SCMP_ACT_KILL_PROCESS'), 0x80000000);
    assert.equal(act('SCMP_ACT_TRAP'), 0x00030000);
    assert.equal(act('SCMP_ACT_LOG'), 0x7ffc0000);
  });

  test('ERRNO and TRACE carry errnoRet, EPERM when absent', () => {
    assert.equal(act('SCMP_ACT_ERRNO'), 0x00050001);
    assert.equal(act('SCMP_ACT_ERRNO', 38), 0x00050026);
    assert.equal(act('SCMP_ACT_ERRNO', 0), 0x00050000);
    assert.equal(act('SCMP_ACT_TRACE'), 0x7ff00001);
    assert.equal(act('SCMP_ACT_TRACE', 0xffff), 0x7ff0ffff);
  });

  test('errnoRet is ignored by actions without data, as runc does', () => {
    assert.equal(act('SCMP_ACT_ALLOW', 5), 0x7fff0000);
  });

  test('rejects NOTIFY, unknown and missing actions, bad errnoRet', () => {
    assertInvalid(() => act('SCMP_ACT_NOTIFY'), 'f.action', /not supported/);
    assertInvalid(() => act('SCMP_ACT_ALLOWED'), 'f.action', /unknown action "SCMP_ACT_ALLOWED"/);
    assertInvalid(() => act('toString'), 'f.action', /unknown action/);
    assertInvalid(() => act(''), 'f.action', /required/);
    assertInvalid(() => act(undefined), 'f.action', /required/);
    assertInvalid(() => act('SCMP_ACT_ERRNO', -1), 'f.errnoRet', /0 to 65535/);
    assertInvalid(() => act('SCMP_ACT_ERRNO', 65536), 'f.errnoRet', /0 to 65535/);
    assertInvalid(() => act('SCMP_ACT_ERRNO', 1.5), 'f.errnoRet', /0 to 65535/);
    assertInvalid(() => act('SCMP_ACT_ERRNO', '1'), 'f.errnoRet', /0 to 65535/);
  });

  test('describeAction names values', () => {
    assert.equal(describeAction(0x00050026), 'ERRNO(38)');
    assert.equal(describeAction(0x80000000), 'KILL_PROCESS');
    assert.equal(describeAction(0x7fff0000), 'ALLOW');
  });
});

describe('seccompFlags', () => {
  test('ORs the SECCOMP_FILTER_FLAG_* bits', () => {
    assert.equal(seccompFlags(undefined), 0);
    assert.equal(seccompFlags([]), 0);
    assert.equal(seccompFlags(['SECCOMP_FILTER_FLAG_TSYNC']), 1);
    assert.equal(seccompFlags(['SECCOMP_FILTER_FLAG_LOG']), 2);
    assert.equal(seccompFlags(['SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_TSYNC']), 5);
  });

  test('rejects unknown flags and notify-only flags, naming the entry', () => {
    assertInvalid(() => seccompFlags(['SECCOMP_FILTER_FLAG_TSYNC', 'TSYNC']), 'linux.seccomp.flags[1]', /unknown seccomp flag "TSYNC"/);
    assertInvalid(() => seccompFlags(['constructor']), 'linux.seccomp.flags[0]', /unknown/);
    assertInvalid(() => seccompFlags(['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']), 'linux.seccomp.flags[0]', /SCMP_ACT_NOTIFY/);
  });
});
