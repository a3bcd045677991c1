import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isBerthError } from '../../errors.js';
import type { Seccomp } from '../../oci/spec.js';
import { compileSeccomp } from './compile.js';
import { parseProfile, parseU64 } from './profile.js';

/** Profiles as they come out of JSON.parse: not necessarily what the types promise. */
const loose = (value: unknown): Seccomp => value as Seccomp;

function assertInvalid(profile: unknown, context: string, detail: RegExp): void {
  assert.throws(
    () => compileSeccomp(loose(profile), 'x64'),
    (e: unknown) => {
      assert.ok(isBerthError(e, 'InvalidArgument'), String(e));
      assert.equal(e.context, context);
      assert.match(e.detail, detail);
      assert.doesNotMatch(e.message, /\.$/);
      return true;
    },
  );
}

const allow = (names: unknown, extra: Record<string, unknown> = {}) => ({ names, action: 'SCMP_ACT_ALLOW', ...extra });

describe('profile validation', () => {
  test('defaultAction is required and must be known', () => {
    assertInvalid({}, 'linux.seccomp.defaultAction', /required/);
    assertInvalid({ defaultAction: '' }, 'linux.seccomp.defaultAction', /required/);
    assertInvalid({ defaultAction: 'SCMP_ACT_DENY' }, 'linux.seccomp.defaultAction', /unknown action "SCMP_ACT_DENY"/);
    assertInvalid({ defaultAction: 'SCMP_ACT_NOTIFY' }, 'linux.seccomp.defaultAction', /SCMP_ACT_NOTIFY is not supported/);
    assertInvalid({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1e6 }, 'linux.seccomp.defaultErrnoRet', /0 to 65535/);
  });

  test('names are required, non-empty, and syntactically syscall names', () => {
    const base = { defaultAction: 'SCMP_ACT_ERRNO' };
    assertInvalid({ ...base, syscalls: [allow(['read']), { action: 'SCMP_ACT_ALLOW' }] }, 'linux.seccomp.syscalls[1].names', /required/);
    assertInvalid({ ...base, syscalls: [allow([])] }, 'linux.seccomp.syscalls[0].names', /at least one/);
    assertInvalid({ ...base, syscalls: [allow('read')] }, 'linux.seccomp.syscalls[0].names', /list/);
    assertInvalid({ ...base, syscalls: [allow(['read', ''])] }, 'linux.seccomp.syscalls[0].names[1]', /invalid syscall name ""/);
    assertInvalid({ ...base, syscalls: [allow(['Read'])] }, 'linux.seccomp.syscalls[0].names[0]', /invalid syscall name/);
    assertInvalid({ ...base, syscalls: [allow(['read;'])] }, 'linux.seccomp.syscalls[0].names[0]', /invalid syscall name/);
    assertInvalid({ ...base, syscalls: [allow(['9p'])] }, 'linux.seccomp.syscalls[0].names[0]', /invalid syscall name/);
    assertInvalid({ ...base, syscalls: [allow([42])] }, 'linux.seccomp.syscalls[0].names[0]', /invalid syscall name 42/);
  });

  test('names unknown to the architecture are skipped, not errors', () => {
    const profile = loose({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [allow(['arm_fadvise64_64', 'no_such_call', 'read'])] });
    const c = compileSeccomp(profile, 'x64');
    assert.ok(c.instructions > 0);
  });

  test('rule actions and errnoRet are checked per entry', () => {
    const base = { defaultAction: 'SCMP_ACT_ALLOW' };
    assertInvalid({ ...base, syscalls: [{ names: ['read'] }] }, 'linux.seccomp.syscalls[0].action', /required/);
    assertInvalid({ ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_NOTIFY' }] }, 'linux.seccomp.syscalls[0].action', /not supported/);
    assertInvalid({ ...base, syscalls: [{ names: ['read'], action: 'allow' }] }, 'linux.seccomp.syscalls[0].action', /unknown action/);
    assertInvalid(
      { ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', errnoRet: -2 }] },
      'linux.seccomp.syscalls[0].errnoRet',
      /0 to 65535/,
    );
  });

  test('args: index 0-5, known operator, unsigned 64-bit values', () => {
    const withArg = (arg: unknown) => ({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [allow(['read']), allow(['write'], { args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, arg] })] });
    const field = 'linux.seccomp.syscalls[1].args[1]';
    assertInvalid(withArg({ index: 6, value: 1, op: 'SCMP_CMP_EQ' }), `${field}.index`, /0 to 5/);
    assertInvalid(withArg({ index: -1, value: 1, op: 'SCMP_CMP_EQ' }), `${field}.index`, /0 to 5/);
    assertInvalid(withArg({ value: 1, op: 'SCMP_CMP_EQ' }), `${field}.index`, /0 to 5/);
    assertInvalid(withArg({ index: 1, value: 1, op: 'SCMP_CMP_APPROX' }), `${field}.op`, /unknown operator "SCMP_CMP_APPROX"/);
    assertInvalid(withArg({ index: 1, value: 1 }), `${field}.op`, /unknown operator/);
    assertInvalid(withArg({ index: 1, value: -1, op: 'SCMP_CMP_EQ' }), `${field}.value`, /unsigned 64-bit/);
    assertInvalid(withArg({ index: 1, value: 0.5, op: 'SCMP_CMP_EQ' }), `${field}.value`, /unsigned 64-bit/);
    assertInvalid(withArg({ index: 1, value: '1', op: 'SCMP_CMP_EQ' }), `${field}.value`, /unsigned 64-bit/);
    assertInvalid(withArg({ index: 1, value: 2 ** 64, op: 'SCMP_CMP_EQ' }), `${field}.value`, /exceeds 2\^64-1/);
    assertInvalid(withArg({ index: 1, value: 1n << 64n, op: 'SCMP_CMP_EQ' }), `${field}.value`, /unsigned 64-bit/);
    assertInvalid(withArg({ index: 1, value: 1, valueTwo: -3, op: 'SCMP_CMP_MASKED_EQ' }), `${field}.valueTwo`, /unsigned 64-bit/);
  });

  test('architectures must be names libseccomp knows', () => {
    assertInvalid({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'x86_64'] }, 'linux.seccomp.architectures[1]', /unknown architecture "x86_64"/);
  });

  test('unknown flags are errors', () => {
    assertInvalid({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_NOPE'] }, 'linux.seccomp.flags[0]', /unknown seccomp flag/);
  });
});

describe('parseProfile', () => {
  test('two conditions on one argument become two rules (runc)', () => {
    const p = parseProfile({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        {
          names: ['socket', 'socket'],
          action: 'SCMP_ACT_ALLOW',
          args: [
            { index: 0, value: 1, op: 'SCMP_CMP_EQ' },
            { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
          ],
        },
        {
          names: ['clone'],
          action: 'SCMP_ACT_ALLOW',
          args: [
            { index: 0, value: 1, op: 'SCMP_CMP_EQ' },
            { index: 1, value: 2, op: 'SCMP_CMP_EQ' },
          ],
        },
      ],
    });
    assert.deepEqual(p.entries[0]?.names, ['socket']);
    assert.equal(p.entries[0]?.rules.length, 2);
    assert.equal(p.entries[1]?.rules.length, 1);
    assert.equal(p.entries[1]?.rules[0]?.conditions.length, 2);
  });

  test('valueTwo matters to MASKED_EQ only', () => {
    const p = parseProfile({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        {
          names: ['read'],
          action: 'SCMP_ACT_ALLOW',
          args: [
            { index: 0, value: 1, valueTwo: 7, op: 'SCMP_CMP_EQ' },
            { index: 1, value: 0xff, valueTwo: 7, op: 'SCMP_CMP_MASKED_EQ' },
            { index: 2, value: 0xff, op: 'SCMP_CMP_MASKED_EQ' },
          ],
        },
      ],
    });
    const conditions = p.entries[0]?.rules[0]?.conditions ?? [];
    assert.deepEqual(
      conditions.map((c) => c.valueTwo),
      [0n, 7n, 0n],
    );
  });

  test('parseU64 takes numbers and bigints up to 2^64-1', () => {
    assert.equal(parseU64(0, 'v'), 0n);
    assert.equal(parseU64(2 ** 53 + 2, 'v'), 9007199254740994n);
    assert.equal(parseU64(0xffffffffffffffffn, 'v'), 0xffffffffffffffffn);
  });
});
