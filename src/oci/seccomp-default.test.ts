import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CAPABILITIES } from './defaults.js';
import { allowsUnconditionally, dockerDefaultSeccomp } from './seccomp-default.js';
import { validateSeccomp } from './validate-seccomp.js';
import type { Seccomp } from './spec.js';

const rulesFor = (p: Seccomp, name: string) => (p.syscalls ?? []).filter((r) => r.names.includes(name));

describe('dockerDefaultSeccomp', () => {
  const profile = dockerDefaultSeccomp(DEFAULT_CAPABILITIES);

  it('denies by default with EPERM, on x86_64 and its 32-bit modes', () => {
    assert.equal(profile.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(profile.defaultErrnoRet, 1);
    assert.deepEqual(profile.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    validateSeccomp(profile);
  });

  it('allows the ordinary syscalls', () => {
    for (const s of ['read', 'write', 'execve', 'openat', 'mmap', 'exit_group', 'futex', 'arch_prctl', 'chroot']) {
      assert.ok(allowsUnconditionally(profile, s), s);
    }
  });

  it('leaves the dangerous ones to the default action', () => {
    for (const s of ['kexec_load', 'mount', 'umount2', 'unshare', 'setns', 'init_module', 'reboot', 'bpf', 'open_by_handle_at', 'keyctl', 'add_key']) {
      assert.deepEqual(rulesFor(profile, s), [], s);
    }
  });

  it('allows clone only without namespace flags, and turns clone3 away with ENOSYS', () => {
    assert.deepEqual(rulesFor(profile, 'clone'), [
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x7e020000, op: 'SCMP_CMP_MASKED_EQ' }] },
    ]);
    assert.deepEqual(rulesFor(profile, 'clone3'), [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }]);
  });

  it('restricts personality and socket by argument', () => {
    const personality = rulesFor(profile, 'personality');
    assert.deepEqual(
      personality.map((r) => r.args?.[0]?.value),
      [0, 8, 0x20000, 0x20008, 0xffffffff],
    );
    assert.deepEqual(rulesFor(profile, 'socket'), [
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] },
    ]);
  });

  it('opens mount, unshare and an unrestricted clone with CAP_SYS_ADMIN', () => {
    const admin = dockerDefaultSeccomp([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN']);
    for (const s of ['mount', 'umount2', 'unshare', 'setns', 'clone', 'clone3', 'bpf']) assert.ok(allowsUnconditionally(admin, s), s);
    assert.ok(rulesFor(admin, 'clone').every((r) => r.args === undefined));
    assert.ok(rulesFor(admin, 'clone3').every((r) => r.action === 'SCMP_ACT_ALLOW'));
  });

  it('adds the capability-gated syscalls', () => {
    const cases: [string, string[]][] = [
      ['CAP_SYS_PTRACE', ['kcmp', 'pidfd_getfd', 'process_madvise']],
      ['CAP_SYS_MODULE', ['init_module', 'finit_module', 'delete_module']],
      ['CAP_SYS_BOOT', ['reboot']],
      ['CAP_SYS_PACCT', ['acct']],
      ['CAP_SYS_RAWIO', ['iopl', 'ioperm']],
      ['CAP_SYS_TIME', ['settimeofday', 'clock_settime']],
      ['CAP_SYS_TTY_CONFIG', ['vhangup']],
      ['CAP_SYS_NICE', ['mbind', 'set_mempolicy']],
      ['CAP_SYSLOG', ['syslog']],
      ['CAP_BPF', ['bpf']],
      ['CAP_PERFMON', ['perf_event_open']],
      ['CAP_DAC_READ_SEARCH', ['open_by_handle_at']],
    ];
    for (const [cap, names] of cases) {
      const p = dockerDefaultSeccomp([cap]);
      for (const n of names) {
        assert.ok(allowsUnconditionally(p, n), `${cap} ${n}`);
        assert.ok(!allowsUnconditionally(profile, n), `default ${n}`);
      }
    }
    assert.ok(!allowsUnconditionally(dockerDefaultSeccomp([]), 'chroot'));
  });

  it('follows the architecture and the kernel version', () => {
    const arm = dockerDefaultSeccomp([], { arch: 'arm64' });
    assert.deepEqual(arm.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    assert.ok(allowsUnconditionally(arm, 'set_tls'));
    assert.ok(!allowsUnconditionally(arm, 'arch_prctl'));
    const s390 = dockerDefaultSeccomp([], { arch: 's390x' });
    assert.deepEqual(rulesFor(s390, 'clone').map((r) => r.args?.[0]?.index), [1]);
    assert.ok(allowsUnconditionally(dockerDefaultSeccomp([]), 'ptrace'));
    assert.ok(!allowsUnconditionally(dockerDefaultSeccomp([], { kernel: { major: 4, minor: 4 } }), 'ptrace'));
  });

  it('returns a fresh object each call', () => {
    const a = dockerDefaultSeccomp([]);
    a.syscalls?.[0]?.names.push('kexec_load');
    assert.ok(!allowsUnconditionally(dockerDefaultSeccomp([]), 'kexec_load'));
  });
});
