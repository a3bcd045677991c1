import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { assertInvalid } from './invalid.test-helper.js';
import { parseSecurityOpts } from './security-opt.js';

describe('parseSecurityOpts', () => {
  test('defaults: privileges may grow, default seccomp', () => {
    assert.deepEqual(parseSecurityOpts(undefined), { noNewPrivileges: false, seccomp: { kind: 'default' }, writableCgroups: false, labels: [] });
  });

  test('no-new-privileges with or without a value, and the old ":" spelling', () => {
    assert.equal(parseSecurityOpts(['no-new-privileges']).noNewPrivileges, true);
    assert.equal(parseSecurityOpts(['no-new-privileges=true']).noNewPrivileges, true);
    assert.equal(parseSecurityOpts(['no-new-privileges:true']).noNewPrivileges, true);
    assert.equal(parseSecurityOpts(['no-new-privileges', 'no-new-privileges=false']).noNewPrivileges, false);
    assertInvalid(() => parseSecurityOpts(['no-new-privileges=maybe']), /^HostConfig\.SecurityOpt\[0\]: invalid --security-opt 2: "no-new-privileges=maybe"$/);
  });

  test('seccomp: unconfined, builtin, a profile', () => {
    assert.deepEqual(parseSecurityOpts(['seccomp=unconfined']).seccomp, { kind: 'unconfined' });
    assert.deepEqual(parseSecurityOpts(['seccomp=builtin']).seccomp, { kind: 'default' });
    const p = parseSecurityOpts(['seccomp={"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"read","action":"SCMP_ACT_ALLOW"}]}']).seccomp;
    assert.equal(p.kind, 'profile');
    assert.deepEqual(p.kind === 'profile' && p.profile.syscalls, [{ name: 'read', action: 'SCMP_ACT_ALLOW' }]);
  });

  test('a bad seccomp profile is refused naming the option', () => {
    assertInvalid(() => parseSecurityOpts(['seccomp=/etc/profile.json']), /^HostConfig\.SecurityOpt\[0\]: Decoding seccomp profile failed/);
    assertInvalid(
      () => parseSecurityOpts(['seccomp={"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}']),
      /both 'architectures' and 'archMap' are specified/,
    );
    assertInvalid(
      () => parseSecurityOpts(['seccomp={"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"read","names":["write"],"action":"SCMP_ACT_ALLOW"}]}']),
      /both 'name' and 'names' are specified/,
    );
    assertInvalid(
      () => parseSecurityOpts(['seccomp={"defaultAction":"SCMP_ACT_MAYBE"}']),
      /^HostConfig\.SecurityOpt\[0\]\.defaultAction: unknown seccomp action "SCMP_ACT_MAYBE"$/,
    );
    assertInvalid(
      () => parseSecurityOpts(['seccomp={"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":9,"value":1,"op":"SCMP_CMP_EQ"}]}]}']),
      /syscalls\[0\]\.args\[0\]\.index: must be between 0 and 5/,
    );
    assertInvalid(() => parseSecurityOpts(['seccomp={"syscalls":[{"names":["read"]}]}']), /syscalls\[0\]\.action: is required/);
  });

  test('an empty profile means no filter, as with Docker', () => {
    assert.deepEqual(parseSecurityOpts(['seccomp={}']).seccomp, { kind: 'profile', profile: {} });
  });

  test('apparmor, labels and writable-cgroups are read; unknown keys are refused', () => {
    const o = parseSecurityOpts(['apparmor=unconfined', 'label=disable', 'label:type:svirt_t', 'writable-cgroups=true']);
    assert.equal(o.apparmor, 'unconfined');
    assert.deepEqual(o.labels, ['disable', 'type:svirt_t']);
    assert.equal(o.writableCgroups, true);
    assertInvalid(() => parseSecurityOpts(['systempaths=unconfined']), /invalid --security-opt 2: "systempaths=unconfined"/);
    assertInvalid(() => parseSecurityOpts(['nonsense']), /invalid --security-opt 1: "nonsense"/);
  });
});
