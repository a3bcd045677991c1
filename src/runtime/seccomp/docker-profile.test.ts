// The compiler against the profile berth actually ships: Docker's default.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_CAPABILITIES } from '../../oci/capabilities.js';
import { DEFAULT_CAPABILITIES } from '../../oci/defaults.js';
import { dockerDefaultSeccomp } from '../../oci/seccomp-default.js';
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
  X32_SYSCALL_BIT,
} from './constants.js';
import { SYSCALLS_AARCH64 } from './tables/aarch64.js';
import { SYSCALLS_X86 } from './tables/x86.js';
import { SYSCALLS_X86_64 } from './tables/x86_64.js';

const ALLOW = SECCOMP_RET_ALLOW;
const EPERM = SECCOMP_RET_ERRNO | 1;
const ENOSYS = SECCOMP_RET_ERRNO | 38;

function nr(table: ReadonlyMap<string, number>, name: string): number {
  const n = table.get(name);
  assert.ok(n !== undefined, name);
  return n;
}

function expect(program: Buffer, data: SeccompData, want: number, what: string): void {
  assert.equal(describeAction(runFilter(program, data)), describeAction(want), what);
}

describe("Docker's default profile", () => {
  test('x86_64 with default capabilities', () => {
    const c = compileSeccomp(dockerDefaultSeccomp(DEFAULT_CAPABILITIES, { arch: 'amd64' }), 'x64');
    assert.ok(c.instructions < 1500, `${c.instructions} instructions`);
    const x = (name: string, ...args: (number | bigint)[]): SeccompData => ({ nr: nr(SYSCALLS_X86_64, name), arch: AUDIT_ARCH_X86_64, args });
    for (const name of ['read', 'write', 'openat', 'execve', 'mmap', 'futex', 'exit_group', 'arch_prctl', 'chroot', 'epoll_wait']) {
      expect(c.program, x(name), ALLOW, name);
    }
    for (const name of ['mount', 'umount2', 'unshare', 'setns', 'kexec_load', 'init_module', 'reboot', 'bpf', 'keyctl']) {
      expect(c.program, x(name), EPERM, name);
    }
    expect(c.program, x('clone', 0x01200011), ALLOW, 'clone for fork');
    expect(c.program, x('clone', 0x10000000 | 0x11), EPERM, 'clone with CLONE_NEWUSER');
    expect(c.program, x('clone3'), ENOSYS, 'clone3');
    expect(c.program, x('personality', 0xffffffff), ALLOW, 'personality query');
    expect(c.program, x('personality', 0x0040000), EPERM, 'personality ADDR_NO_RANDOMIZE');
    expect(c.program, x('socket', 40), EPERM, 'socket AF_VSOCK');
    expect(c.program, x('socket', 2), ALLOW, 'socket AF_INET');

    const i386 = (name: string, ...args: number[]): SeccompData => ({ nr: nr(SYSCALLS_X86, name), arch: AUDIT_ARCH_I386, args });
    expect(c.program, i386('read'), ALLOW, 'i386 read');
    expect(c.program, i386('socketcall'), ALLOW, 'i386 socketcall');
    expect(c.program, i386('mount'), EPERM, 'i386 mount');
    expect(c.program, { nr: X32_SYSCALL_BIT, arch: AUDIT_ARCH_X86_64 }, ALLOW, 'x32 read');
    expect(c.program, { nr: 63, arch: AUDIT_ARCH_AARCH64 }, SECCOMP_RET_KILL_PROCESS, 'foreign arch');
  });

  test('x86_64 with every capability still fits and lets the capability-gated calls through', () => {
    const c = compileSeccomp(dockerDefaultSeccomp(ALL_CAPABILITIES, { arch: 'amd64' }), 'x64');
    assert.ok(c.instructions < 1500, `${c.instructions} instructions`);
    const x = (name: string): SeccompData => ({ nr: nr(SYSCALLS_X86_64, name), arch: AUDIT_ARCH_X86_64 });
    for (const name of ['mount', 'unshare', 'setns', 'ptrace', 'bpf', 'init_module', 'reboot']) expect(c.program, x(name), ALLOW, name);
    expect(c.program, { ...x('clone'), args: [0x10000000] }, ALLOW, 'clone with namespaces under CAP_SYS_ADMIN');
  });

  test('aarch64', () => {
    const c = compileSeccomp(dockerDefaultSeccomp(DEFAULT_CAPABILITIES, { arch: 'arm64' }), 'arm64');
    assert.ok(c.instructions < 1500, `${c.instructions} instructions`);
    const a = (name: string, ...args: number[]): SeccompData => ({ nr: nr(SYSCALLS_AARCH64, name), arch: AUDIT_ARCH_AARCH64, args });
    for (const name of ['read', 'openat', 'execve', 'mmap', 'futex', 'exit_group']) expect(c.program, a(name), ALLOW, name);
    for (const name of ['mount', 'unshare', 'bpf', 'keyctl']) expect(c.program, a(name), EPERM, name);
    expect(c.program, a('clone', 0x10000000), EPERM, 'clone with CLONE_NEWUSER');
    expect(c.program, a('clone3'), ENOSYS, 'clone3');
    expect(c.program, { nr: 3, arch: AUDIT_ARCH_ARM }, SECCOMP_RET_KILL_PROCESS, '32-bit ARM (no table)');
  });
});
