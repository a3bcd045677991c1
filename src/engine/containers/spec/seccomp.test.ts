import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { allowsUnconditionally, dockerDefaultSeccomp } from '../../../oci/seccomp-default.js';
import { DEFAULT_CAPABILITIES } from '../../../oci/defaults.js';
import { parseSecurityOpts } from '../config/index.js';
import { assertInvalid } from '../config/invalid.test-helper.js';
import { profileToOci } from './seccomp.js';
import { specFor } from './spec-input.test-helper.js';

const seccompOf = (opts: string[], extra = {}) => specFor({ SecurityOpt: opts, ...extra }).linux?.seccomp;

describe('which filter', () => {
  test("Docker's default profile for the container's capabilities", () => {
    assert.deepEqual(seccompOf([]), dockerDefaultSeccomp(DEFAULT_CAPABILITIES, { arch: 'amd64' }));
    assert.equal(allowsUnconditionally(seccompOf([]) ?? { defaultAction: 'SCMP_ACT_ALLOW' }, 'mount'), false);
    assert.equal(allowsUnconditionally(seccompOf([], { CapAdd: ['SYS_ADMIN'] }) ?? { defaultAction: 'SCMP_ACT_ALLOW' }, 'mount'), true);
    assert.deepEqual(seccompOf(['seccomp=builtin']), seccompOf([]));
  });

  test('none with seccomp=unconfined or privileged', () => {
    assert.equal(seccompOf(['seccomp=unconfined']), undefined);
    assert.equal(seccompOf([], { Privileged: true }), undefined);
  });

  test('a custom profile, in its OCI form', () => {
    const profile = JSON.stringify({
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', comment: 'io' }, { name: 'getpid', action: 'SCMP_ACT_ALLOW' }],
    });
    assert.deepEqual(seccompOf([`seccomp=${profile}`]), {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['getpid'], action: 'SCMP_ACT_ALLOW' },
      ],
    });
  });

  test('a profile with no default action and no rules means no filter, as with Docker', () => {
    assert.equal(seccompOf(['seccomp={}']), undefined);
  });
});

describe("moby's conversion of a Docker profile", () => {
  const profileOf = (json: object) => {
    const c = parseSecurityOpts([`seccomp=${JSON.stringify(json)}`]).seccomp;
    assert.equal(c.kind, 'profile');
    return c.kind === 'profile' ? c.profile : {};
  };
  const rules = [
    { names: ['a'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
    { names: ['b'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_SYS_ADMIN'] } },
    { names: ['c'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm64'] } },
    { names: ['d'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['amd64'] } },
    { names: ['e'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '5.10' } },
    { names: ['f'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
  ];
  const p = profileOf({ defaultAction: 'SCMP_ACT_ERRNO', archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }, { architecture: 'SCMP_ARCH_AARCH64' }], syscalls: rules });
  const names = (s: ReturnType<typeof profileToOci>) => s?.syscalls?.map((r) => r.names[0]);

  test('rules kept or dropped by capability, architecture and kernel', () => {
    assert.deepEqual(names(profileToOci(p, ['CAP_KILL'], { arch: 'amd64', kernel: { major: 5, minor: 4 } }, 'f')), ['b', 'f']);
    assert.deepEqual(names(profileToOci(p, ['CAP_SYS_ADMIN'], { arch: 'arm64', kernel: { major: 6, minor: 1 } }, 'f')), ['a', 'c', 'd', 'e', 'f']);
    assert.deepEqual(profileToOci(p, [], { arch: 'amd64' }, 'f')?.syscalls?.at(-1), { names: ['f'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] });
  });

  test("archMap: the host's entry and its sub-architectures", () => {
    assert.deepEqual(profileToOci(p, [], { arch: 'amd64' }, 'f')?.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
    assert.deepEqual(profileToOci(p, [], { arch: 'arm64' }, 'f')?.architectures, ['SCMP_ARCH_AARCH64']);
    assert.equal(profileToOci(p, [], { arch: 's390x' }, 'f')?.architectures, undefined);
  });

  test('a malformed kernel version is refused', () => {
    const q = profileOf({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: 'new' } }] });
    assertInvalid(() => profileToOci(q, [], { arch: 'amd64' }, 'f'), /^f\.syscalls\[0\]: invalid kernel version "new"/);
  });
});
