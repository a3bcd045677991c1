import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isBerthError } from '../../errors.js';
import type { Seccomp, SeccompSyscall } from '../../oci/spec.js';
import { describeAction } from './actions.js';
import { type SeccompData, runFilter } from './bpf-vm.test-helper.js';
import { compileSeccomp } from './compile.js';
import {
  AUDIT_ARCH_AARCH64,
  AUDIT_ARCH_ARM,
  AUDIT_ARCH_I386,
  AUDIT_ARCH_X86_64,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  X32_SYSCALL_BIT,
} from './constants.js';

const ALLOW = SECCOMP_RET_ALLOW;
const EPERM = SECCOMP_RET_ERRNO | 1;
const errno = (e: number): number => SECCOMP_RET_ERRNO | e;
const KILL = SECCOMP_RET_KILL_PROCESS;

// x86_64 numbers
const READ = 0;
const WRITE = 1;
const OPENAT = 257;
const PERSONALITY = 135;
const GETPID = 39;
const SOCKET = 41;
const CLONE = 56;
const PTRACE = 101;
const MOUNT = 165;

const profile = (syscalls: SeccompSyscall[], extra: Partial<Seccomp> = {}): Seccomp => ({
  defaultAction: 'SCMP_ACT_ERRNO',
  syscalls,
  ...extra,
});

/** Runs `program` as the kernel would for a syscall; prints actions by name on failure. */
function expect(program: Buffer, data: SeccompData, want: number): void {
  const got = runFilter(program, data);
  assert.equal(
    describeAction(got),
    describeAction(want),
    `nr=0x${data.nr.toString(16)} arch=0x${data.arch.toString(16)} args=${(data.args ?? []).join(',')}`,
  );
}

const x86_64 = (nr: number, ...args: (number | bigint)[]): SeccompData => ({ nr, arch: AUDIT_ARCH_X86_64, args });

describe('compileSeccomp', () => {
  test('allows listed syscalls and gives the rest the default action', () => {
    const c = compileSeccomp(profile([{ names: ['read', 'write', 'openat'], action: 'SCMP_ACT_ALLOW' }]), 'x64');
    assert.equal(c.program.length, c.instructions * 8);
    assert.equal(c.flags, 0);
    expect(c.program, x86_64(READ), ALLOW);
    expect(c.program, x86_64(WRITE), ALLOW);
    expect(c.program, x86_64(OPENAT), ALLOW);
    expect(c.program, x86_64(GETPID), EPERM);
    expect(c.program, x86_64(2), EPERM);
    expect(c.program, x86_64(100000), EPERM);
  });

  test('defaultErrnoRet and errnoRet', () => {
    const c = compileSeccomp(
      profile(
        [
          { names: ['ptrace'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
          { names: ['mount'], action: 'SCMP_ACT_ERRNO' },
          { names: ['read'], action: 'SCMP_ACT_ALLOW' },
        ],
        { defaultErrnoRet: 95 },
      ),
      'x64',
    );
    expect(c.program, x86_64(PTRACE), errno(38));
    expect(c.program, x86_64(MOUNT), EPERM);
    expect(c.program, x86_64(GETPID), errno(95));
    expect(c.program, x86_64(READ), ALLOW);
  });

  test('every action reaches the filter as its SECCOMP_RET_* value', () => {
    const c = compileSeccomp(
      profile(
        [
          { names: ['read'], action: 'SCMP_ACT_KILL' },
          { names: ['write'], action: 'SCMP_ACT_KILL_THREAD' },
          { names: ['openat'], action: 'SCMP_ACT_KILL_PROCESS' },
          { names: ['getpid'], action: 'SCMP_ACT_TRAP' },
          { names: ['ptrace'], action: 'SCMP_ACT_TRACE', errnoRet: 7 },
          { names: ['mount'], action: 'SCMP_ACT_TRACE' },
          { names: ['socket'], action: 'SCMP_ACT_LOG' },
          { names: ['clone'], action: 'SCMP_ACT_ERRNO', errnoRet: 0 },
        ],
        { defaultAction: 'SCMP_ACT_ALLOW' },
      ),
      'x64',
    );
    expect(c.program, x86_64(READ), SECCOMP_RET_KILL_THREAD);
    expect(c.program, x86_64(WRITE), SECCOMP_RET_KILL_THREAD);
    expect(c.program, x86_64(OPENAT), SECCOMP_RET_KILL_PROCESS);
    expect(c.program, x86_64(GETPID), SECCOMP_RET_TRAP);
    expect(c.program, x86_64(PTRACE), SECCOMP_RET_TRACE | 7);
    expect(c.program, x86_64(MOUNT), SECCOMP_RET_TRACE | 1);
    expect(c.program, x86_64(SOCKET), SECCOMP_RET_LOG);
    expect(c.program, x86_64(CLONE), errno(0));
    expect(c.program, x86_64(PERSONALITY), ALLOW);
  });

  test('syscalls from an architecture the filter does not check are killed', () => {
    const c = compileSeccomp(profile([{ names: ['read'], action: 'SCMP_ACT_ALLOW' }], { architectures: ['SCMP_ARCH_X86_64'] }), 'x64');
    expect(c.program, { nr: READ, arch: AUDIT_ARCH_X86_64 }, ALLOW);
    expect(c.program, { nr: 3, arch: AUDIT_ARCH_I386 }, KILL);
    expect(c.program, { nr: READ, arch: AUDIT_ARCH_AARCH64 }, KILL);
    expect(c.program, { nr: READ, arch: 0 }, KILL);
    // Listing an architecture this host cannot run adds nothing for it.
    const foreign = compileSeccomp(profile([{ names: ['read'], action: 'SCMP_ACT_ALLOW' }], { architectures: ['SCMP_ARCH_AARCH64'] }), 'x64');
    expect(foreign.program, { nr: 63, arch: AUDIT_ARCH_AARCH64 }, KILL);
    expect(foreign.program, x86_64(READ), ALLOW);
  });

  test('the native architecture is checked even when not listed', () => {
    const c = compileSeccomp(profile([{ names: ['read'], action: 'SCMP_ACT_ALLOW' }], { architectures: ['SCMP_ARCH_X86'] }), 'x64');
    expect(c.program, x86_64(READ), ALLOW);
    expect(c.program, x86_64(WRITE), EPERM);
    expect(c.program, { nr: 3, arch: AUDIT_ARCH_I386 }, ALLOW);
    expect(c.program, { nr: 4, arch: AUDIT_ARCH_I386 }, EPERM);
  });

  test('x32 syscall numbers cannot reach the x86_64 rules', () => {
    const c = compileSeccomp(
      profile([{ names: ['read', 'personality'], action: 'SCMP_ACT_ALLOW' }], { defaultAction: 'SCMP_ACT_ALLOW' }),
      'x64',
    );
    // Without SCMP_ARCH_X32, anything with the x32 bit is a foreign ABI.
    expect(c.program, x86_64(X32_SYSCALL_BIT | READ), KILL);
    expect(c.program, x86_64(X32_SYSCALL_BIT | PTRACE), KILL);
    expect(c.program, x86_64(0xffffffff), KILL);
    expect(c.program, x86_64(0x7fffffff), KILL);
    expect(c.program, x86_64(PTRACE), ALLOW);

    // A deny rule on x86_64 must not be dodged by the x32 number either.
    const deny = compileSeccomp(
      profile([{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO' }], { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X32'] }),
      'x64',
    );
    expect(deny.program, x86_64(PTRACE), EPERM);
    // x32's ptrace is 521 (its compat entry point), not 101.
    expect(deny.program, x86_64(X32_SYSCALL_BIT | 521), EPERM);
    expect(deny.program, x86_64(X32_SYSCALL_BIT | READ), ALLOW);
  });

  test('SCMP_ARCH_X32 uses the x32 table with the x32 bit', () => {
    const c = compileSeccomp(
      profile([{ names: ['read', 'rt_sigaction'], action: 'SCMP_ACT_ALLOW' }], { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X32'] }),
      'x64',
    );
    expect(c.program, x86_64(X32_SYSCALL_BIT | READ), ALLOW);
    expect(c.program, x86_64(X32_SYSCALL_BIT | 512), ALLOW); // x32 rt_sigaction
    expect(c.program, x86_64(X32_SYSCALL_BIT | 13), EPERM); // x86_64's rt_sigaction number, not x32's
    expect(c.program, x86_64(X32_SYSCALL_BIT | WRITE), EPERM);
    expect(c.program, x86_64(13), ALLOW);
    expect(c.program, x86_64(512), EPERM);
  });

  test('i386 syscalls use the i386 table and 32-bit arguments', () => {
    const c = compileSeccomp(
      profile(
        [
          { names: ['read'], action: 'SCMP_ACT_ALLOW' },
          { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0xffffffff, op: 'SCMP_CMP_EQ' }] },
        ],
        { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'] },
      ),
      'x64',
    );
    const i386 = (nr: number, ...args: (number | bigint)[]): SeccompData => ({ nr, arch: AUDIT_ARCH_I386, args });
    expect(c.program, i386(3), ALLOW);
    expect(c.program, i386(0), EPERM);
    expect(c.program, i386(136, 0xffffffff), ALLOW);
    // The kernel reads only the low half of an i386 argument register.
    expect(c.program, i386(136, 0x12345678ffffffffn), ALLOW);
    expect(c.program, i386(136, 0), EPERM);
    // x86_64 compares all 64 bits.
    expect(c.program, x86_64(PERSONALITY, 0xffffffff), ALLOW);
    expect(c.program, x86_64(PERSONALITY, 0x1ffffffffn), EPERM);
  });

  test('conditions of one rule are ANDed; rules are ORed, first match wins', () => {
    const c = compileSeccomp(
      profile([
        {
          names: ['socket'],
          action: 'SCMP_ACT_ALLOW',
          args: [
            { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
            { index: 1, value: 0xff, valueTwo: 1, op: 'SCMP_CMP_MASKED_EQ' },
          ],
        },
        { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 97, args: [{ index: 0, value: 40, op: 'SCMP_CMP_EQ' }] },
        { names: ['socket'], action: 'SCMP_ACT_LOG', args: [{ index: 2, value: 10, op: 'SCMP_CMP_GT' }] },
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_EQ' }] },
      ]),
      'x64',
    );
    expect(c.program, x86_64(SOCKET, 2, 0x801), ALLOW);
    expect(c.program, x86_64(SOCKET, 2, 0x802), EPERM);
    expect(c.program, x86_64(SOCKET, 3, 0x801), EPERM);
    expect(c.program, x86_64(SOCKET, 40, 1), errno(97)); // the later ALLOW for 40 never wins
    expect(c.program, x86_64(SOCKET, 2, 2, 11), SECCOMP_RET_LOG);
    expect(c.program, x86_64(SOCKET, 40, 1, 11), errno(97));
    expect(c.program, x86_64(SOCKET, 5, 1, 10), EPERM);
  });

  test('an unconditional rule ends the list; later rules never run', () => {
    const c = compileSeccomp(
      profile([
        { names: ['clone'], action: 'SCMP_ACT_TRAP' },
        { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] },
      ]),
      'x64',
    );
    expect(c.program, x86_64(CLONE, 0), SECCOMP_RET_TRAP);
    expect(c.program, x86_64(CLONE, 1), SECCOMP_RET_TRAP);
  });

  test('two conditions on one argument are ORed, as runc does', () => {
    const c = compileSeccomp(
      profile([
        {
          names: ['personality'],
          action: 'SCMP_ACT_ALLOW',
          args: [
            { index: 0, value: 0, op: 'SCMP_CMP_EQ' },
            { index: 0, value: 8, op: 'SCMP_CMP_EQ' },
          ],
        },
      ]),
      'x64',
    );
    expect(c.program, x86_64(PERSONALITY, 0), ALLOW);
    expect(c.program, x86_64(PERSONALITY, 8), ALLOW);
    expect(c.program, x86_64(PERSONALITY, 4), EPERM);
  });

  test('the instruction pointer and unrelated arguments do not matter', () => {
    const c = compileSeccomp(
      profile([{ names: ['write'], action: 'SCMP_ACT_ALLOW', args: [{ index: 5, value: 3, op: 'SCMP_CMP_LE' }] }]),
      'x64',
    );
    const args = [0xffffffffffffffffn, 1n, 2n, 3n, 4n, 3n];
    expect(c.program, { nr: WRITE, arch: AUDIT_ARCH_X86_64, instructionPointer: 0x7fff12345678n, args }, ALLOW);
    expect(c.program, { nr: WRITE, arch: AUDIT_ARCH_X86_64, args: [0n, 0n, 0n, 0n, 0n, 4n] }, EPERM);
  });

  test('aarch64 hosts use the asm-generic numbers and have no x32 check', () => {
    const c = compileSeccomp(
      profile([{ names: ['openat', 'read', 'open'], action: 'SCMP_ACT_ALLOW' }], { architectures: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'] }),
      'arm64',
    );
    const arm64 = (nr: number): SeccompData => ({ nr, arch: AUDIT_ARCH_AARCH64 });
    expect(c.program, arm64(56), ALLOW); // openat
    expect(c.program, arm64(63), ALLOW); // read
    expect(c.program, arm64(257), EPERM);
    expect(c.program, arm64(X32_SYSCALL_BIT | 63), EPERM);
    expect(c.program, { nr: 56, arch: AUDIT_ARCH_X86_64 }, KILL);
    // No 32-bit ARM table: compat tasks meet the bad-arch action.
    expect(c.program, { nr: 3, arch: AUDIT_ARCH_ARM }, KILL);
  });

  test('flags come from the profile', () => {
    const c = compileSeccomp(profile([], { flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'] }), 'x64');
    assert.equal(c.flags, 5);
  });

  test('a profile without syscalls returns the default action for every syscall', () => {
    const c = compileSeccomp({ defaultAction: 'SCMP_ACT_LOG' }, 'x64');
    expect(c.program, x86_64(READ), SECCOMP_RET_LOG);
    expect(c.program, x86_64(X32_SYSCALL_BIT), KILL);
    expect(c.program, { nr: 3, arch: AUDIT_ARCH_I386 }, KILL);
  });

  test('hosts without a syscall table are a failed precondition', () => {
    assert.throws(
      () => compileSeccomp({ defaultAction: 'SCMP_ACT_ALLOW' }, 'riscv64'),
      (e: unknown) => isBerthError(e, 'FailedPrecondition') && /riscv64/.test(e.message),
    );
  });

  test('defaults to the architecture Node runs on', () => {
    const c = compileSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ERRNO' }] });
    const getpid: Record<string, SeccompData> = {
      x64: { arch: AUDIT_ARCH_X86_64, nr: GETPID },
      arm64: { arch: AUDIT_ARCH_AARCH64, nr: 172 },
    };
    const native = getpid[process.arch];
    if (native !== undefined) expect(c.program, native, EPERM);
  });
});
