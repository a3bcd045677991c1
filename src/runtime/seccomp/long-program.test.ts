import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isBerthError } from '../../errors.js';
import type { SeccompSyscall } from '../../oci/spec.js';
import { describeAction } from './actions.js';
import { type SeccompData, decode, runFilter } from './bpf-vm.test-helper.js';
import { compileSeccomp } from './compile.js';
import {
  AUDIT_ARCH_I386,
  AUDIT_ARCH_X86_64,
  BPF_JA,
  BPF_JMP,
  BPF_MAXINSNS,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  X32_SYSCALL_BIT,
} from './constants.js';
import { SYSCALLS_X32 } from './tables/x32.js';
import { SYSCALLS_X86 } from './tables/x86.js';
import { SYSCALLS_X86_64 } from './tables/x86_64.js';

const EPERM = SECCOMP_RET_ERRNO | 1;

function expect(program: Buffer, data: SeccompData, want: number): void {
  assert.equal(describeAction(runFilter(program, data)), describeAction(want), `nr=${data.nr} args=${(data.args ?? []).join(',')}`);
}

describe('long programs', () => {
  test('400 rules with 64-bit arguments stay within u8 jumps and 4096 instructions', () => {
    const calls = [...SYSCALLS_X86_64].sort((a, b) => a[1] - b[1]).slice(0, 300);
    const syscalls: SeccompSyscall[] = [];
    calls.forEach(([name], i) => {
      syscalls.push({
        names: [name],
        action: 'SCMP_ACT_ALLOW',
        args: [
          { index: 0, value: 0x100000000 * (i + 1) + i, op: 'SCMP_CMP_EQ' },
          { index: 1, value: 0xff00, valueTwo: (i & 0xff) << 8, op: 'SCMP_CMP_MASKED_EQ' },
        ],
      });
      if (i % 3 === 0) {
        syscalls.push({
          names: [name],
          action: 'SCMP_ACT_ERRNO',
          errnoRet: 1000 + i,
          args: [{ index: 2, value: 0xffffffff00000000n as unknown as number, op: 'SCMP_CMP_GT' }],
        });
      }
    });
    assert.equal(syscalls.length, 400);
    const c = compileSeccomp({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls }, 'x64');
    assert.ok(c.instructions <= BPF_MAXINSNS, `${c.instructions} instructions`);
    assert.ok(c.instructions > 2000, `${c.instructions} instructions: the test no longer needs long jumps`);
    // Long jumps were needed and used (the encoder refuses jt/jf > 255).
    assert.ok(decode(c.program).some((insn) => insn.code === (BPF_JMP | BPF_JA)));

    calls.forEach(([, nr], i) => {
      const a0 = BigInt(0x100000000 * (i + 1) + i);
      const a1 = BigInt(((i & 0xff) << 8) | 0x12);
      const at = (...args: bigint[]): SeccompData => ({ nr, arch: AUDIT_ARCH_X86_64, args });
      expect(c.program, at(a0, a1), SECCOMP_RET_ALLOW);
      expect(c.program, at(a0 ^ (1n << 40n), a1), EPERM);
      expect(c.program, at(a0, a1 ^ 0x100n), EPERM);
      expect(c.program, at(a0 & 0xffffffffn, a1), EPERM);
      expect(c.program, at(0n, 0n, 0xffffffff00000001n), i % 3 === 0 ? SECCOMP_RET_ERRNO | (1000 + i) : EPERM);
      expect(c.program, at(0n, 0n, 0xffffffff00000000n), EPERM);
    });
    expect(c.program, { nr: 100000, arch: AUDIT_ARCH_X86_64 }, EPERM);
  });

  test('a filter past BPF_MAXINSNS is an error naming the profile', () => {
    const args = Array.from({ length: 1000 }, (_, i): SeccompSyscall => ({
      names: ['ioctl'],
      action: 'SCMP_ACT_ALLOW',
      args: [{ index: 1, value: 0x5400 + i, op: 'SCMP_CMP_EQ' }],
    }));
    assert.throws(
      () => compileSeccomp({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: args }, 'x64'),
      (e: unknown) => isBerthError(e, 'InvalidArgument') && e.context === 'linux.seccomp' && /4096/.test(e.detail),
    );
  });

  test("a Docker-like profile for x86_64, x86 and x32 fits, and behaves", () => {
    const blocked = new Set([
      'acct', 'add_key', 'bpf', 'clock_adjtime', 'clock_settime', 'clone', 'clone3', 'create_module', 'delete_module',
      'finit_module', 'get_kernel_syms', 'get_mempolicy', 'init_module', 'ioperm', 'iopl', 'kcmp', 'kexec_file_load',
      'kexec_load', 'keyctl', 'lookup_dcookie', 'mbind', 'mount', 'move_pages', 'name_to_handle_at', 'nfsservctl',
      'open_by_handle_at', 'perf_event_open', 'personality', 'pivot_root', 'process_vm_readv', 'process_vm_writev',
      'ptrace', 'query_module', 'quotactl', 'reboot', 'request_key', 'set_mempolicy', 'setns', 'settimeofday', 'stime',
      'swapon', 'swapoff', 'sysfs', '_sysctl', 'umount', 'umount2', 'unshare', 'uselib', 'userfaultfd', 'ustat', 'vm86',
      'vm86old',
    ]);
    const names = new Set([...SYSCALLS_X86_64.keys(), ...SYSCALLS_X86.keys(), ...SYSCALLS_X32.keys()]);
    const allowed = [...names].filter((n) => !blocked.has(n)).sort();
    const personality = [0, 8, 0x20000, 0x20008, 0xffffffff].map(
      (value): SeccompSyscall => ({ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }] }),
    );
    const c = compileSeccomp(
      {
        defaultAction: 'SCMP_ACT_ERRNO',
        defaultErrnoRet: 1,
        architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
        syscalls: [
          { names: allowed, action: 'SCMP_ACT_ALLOW' },
          ...personality,
          { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
          { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
        ],
      },
      'x64',
    );
    // Runs of neighbouring allowed syscalls share tests: ~1200 syscalls in
    // three ABIs take a few hundred instructions, not thousands.
    assert.ok(c.instructions < 1000, `${c.instructions} instructions`);
    const x86_64 = (nr: number, ...args: (number | bigint)[]): SeccompData => ({ nr, arch: AUDIT_ARCH_X86_64, args });
    const i386 = (nr: number, ...args: (number | bigint)[]): SeccompData => ({ nr, arch: AUDIT_ARCH_I386, args });
    const x32 = (nr: number): SeccompData => ({ nr: nr | X32_SYSCALL_BIT, arch: AUDIT_ARCH_X86_64 });

    for (const name of allowed) {
      const n64 = SYSCALLS_X86_64.get(name);
      if (n64 !== undefined) expect(c.program, x86_64(n64), SECCOMP_RET_ALLOW);
      const n32 = SYSCALLS_X86.get(name);
      if (n32 !== undefined) expect(c.program, i386(n32), SECCOMP_RET_ALLOW);
      const nx32 = SYSCALLS_X32.get(name);
      if (nx32 !== undefined) expect(c.program, { nr: nx32, arch: AUDIT_ARCH_X86_64 }, SECCOMP_RET_ALLOW);
    }
    for (const name of blocked) {
      const n64 = SYSCALLS_X86_64.get(name);
      if (n64 !== undefined && name !== 'clone' && name !== 'clone3' && name !== 'personality') {
        expect(c.program, x86_64(n64), EPERM);
      }
    }
    expect(c.program, x86_64(56, 0x01200011), SECCOMP_RET_ALLOW); // clone for fork(): CLONE_CHILD_SETTID|CLEARTID|SIGCHLD
    expect(c.program, x86_64(56, 0x10000000 | 0x11), EPERM); // CLONE_NEWUSER
    expect(c.program, x86_64(435), SECCOMP_RET_ERRNO | 38); // clone3: ENOSYS so libc falls back to clone
    expect(c.program, x86_64(135, 0xffffffff), SECCOMP_RET_ALLOW);
    expect(c.program, x86_64(135, 1), EPERM);
    expect(c.program, i386(120, 0x20000000), EPERM); // i386 clone with CLONE_NEWPID
    expect(c.program, i386(120, 0x11), SECCOMP_RET_ALLOW);
    expect(c.program, x32(0), SECCOMP_RET_ALLOW);
    expect(c.program, x32(101), EPERM); // x32's ptrace number is 521; 101 is not an x32 syscall
    expect(c.program, x32(521), EPERM);
    expect(c.program, x86_64(1000), EPERM);
  });
});
