import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isBerthError } from '../errors.js';
import { defaultSpec } from './defaults.js';
import { dockerDefaultSeccomp } from './seccomp-default.js';
import { validateSpec } from './validate.js';

type Path = readonly (string | number)[];

/** A copy of the default spec with the value at `path` replaced (or removed, for undefined). */
function specWith(...changes: [Path, unknown][]): unknown {
  const spec: unknown = structuredClone(defaultSpec());
  for (const [path, value] of changes) {
    let node = spec as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      node[key] ??= typeof key === 'number' ? [] : {};
      node = node[key] as Record<string | number, unknown>;
    }
    const last = path[path.length - 1];
    assert.ok(last !== undefined);
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return spec;
}

function rejects(spec: unknown, message: string): void {
  assert.throws(
    () => validateSpec(spec),
    (e: unknown) => {
      assert.ok(isBerthError(e, 'InvalidArgument'), `not an InvalidArgument: ${String(e)}`);
      assert.equal(e.message, message);
      return true;
    },
  );
}

describe('validateSpec accepts', () => {
  it('what runc spec writes', () => {
    const spec = validateSpec(defaultSpec());
    assert.deepEqual(spec, defaultSpec());
  });

  it('the 1.x versions', () => {
    for (const v of ['1.0.0', '1.0.2-dev', '1.1.0', '1.2.0', '1.2.1+dev']) validateSpec(specWith([['ociVersion'], v]));
  });

  it('a relative root path (resolved against the bundle)', () => {
    assert.equal(validateSpec(specWith([['root', 'path'], 'rootfs'])).root?.path, 'rootfs');
    validateSpec(specWith([['root', 'path'], '/var/lib/rootfs']));
  });

  it('a spec without process (create only)', () => {
    validateSpec(specWith([['process'], undefined]));
  });

  it('null fields as absent, and returns a copy', () => {
    const input = specWith([['process', 'rlimits'], null], [['linux', 'seccomp'], null]);
    const spec = validateSpec(input);
    assert.equal(spec.process?.rlimits, undefined);
    assert.equal('seccomp' in (spec.linux ?? {}), false);
    assert.notEqual(spec, input);
  });

  it("Docker's default seccomp profile", () => {
    validateSpec(specWith([['linux', 'seccomp'], dockerDefaultSeccomp(['CAP_SYS_ADMIN'])]));
  });

  it('a joined user namespace without mappings, and a new one with them', () => {
    validateSpec(specWith([['linux', 'namespaces', 6], { type: 'user', path: '/proc/1/ns/user' }]));
    validateSpec(
      specWith(
        [['linux', 'namespaces', 6], { type: 'user' }],
        [['linux', 'uidMappings'], [{ containerID: 0, hostID: 100000, size: 65536 }]],
        [['linux', 'gidMappings'], [{ containerID: 0, hostID: 100000, size: 65536 }]],
      ),
    );
  });

  it('namespaced sysctls', () => {
    validateSpec(specWith([['linux', 'sysctl'], { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1', 'net/ipv4/conf/eth0/forwarding': '1' }]));
  });

  it('RLIM_INFINITY as JSON reads it', () => {
    validateSpec(specWith([['process', 'rlimits', 0], { type: 'RLIMIT_CORE', soft: 18446744073709551615, hard: 18446744073709551615 }]));
  });
});

describe('validateSpec rejects', () => {
  it('a document that is not an object', () => {
    rejects([], 'config: must be an object, got an array');
  });

  it('a missing ociVersion', () => {
    rejects(specWith([['ociVersion'], undefined]), 'ociVersion: is required');
  });

  it('a malformed ociVersion', () => {
    rejects(specWith([['ociVersion'], 'latest']), 'ociVersion: invalid version "latest"');
  });

  it('an unsupported ociVersion', () => {
    rejects(specWith([['ociVersion'], '2.0.0']), 'ociVersion: unsupported version "2.0.0" (want 1.x)');
    rejects(specWith([['ociVersion'], '0.6.0']), 'ociVersion: unsupported version "0.6.0" (want 1.x)');
  });

  it('a missing root', () => {
    rejects(specWith([['root'], undefined]), 'root: is required');
  });

  it('an empty root path', () => {
    rejects(specWith([['root', 'path'], '']), 'root.path: must not be empty');
  });

  it('empty args', () => {
    rejects(specWith([['process', 'args'], []]), 'process.args: must not be empty');
  });

  it('missing args', () => {
    rejects(specWith([['process', 'args'], undefined]), 'process.args: is required');
  });

  it('an empty program name', () => {
    rejects(specWith([['process', 'args'], ['']]), 'process.args[0]: must not be empty');
  });

  it('args that are not strings', () => {
    rejects(specWith([['process', 'args'], ['sh', 1]]), 'process.args[1]: must be a string, got number 1');
  });

  it('a relative cwd', () => {
    rejects(specWith([['process', 'cwd'], 'home']), 'process.cwd: must be an absolute path, got "home"');
  });

  it('a uid that is not a number', () => {
    rejects(specWith([['process', 'user', 'uid'], '0']), 'process.user.uid: must be an integer, got string "0"');
    rejects(specWith([['process', 'user', 'gid'], -1]), 'process.user.gid: must be between 0 and 4294967295, got -1');
  });

  it('an env entry without "="', () => {
    rejects(specWith([['process', 'env', 1], 'TERM']), 'process.env[1]: must be of the form KEY=VALUE, got "TERM"');
  });

  it('an unknown capability', () => {
    rejects(
      specWith([['process', 'capabilities', 'bounding', 3], 'CAP_FOO']),
      'process.capabilities.bounding[3]: unknown capability "CAP_FOO"',
    );
  });

  it('an unknown rlimit type', () => {
    rejects(specWith([['process', 'rlimits', 0, 'type'], 'RLIMIT_FOO']), 'process.rlimits[0].type: unknown rlimit type "RLIMIT_FOO"');
  });

  it('a soft rlimit above the hard one', () => {
    rejects(specWith([['process', 'rlimits', 0, 'soft'], 2048]), 'process.rlimits[0].soft: soft limit 2048 is above the hard limit 1024');
  });

  it('a duplicate rlimit', () => {
    rejects(
      specWith([['process', 'rlimits', 1], { type: 'RLIMIT_NOFILE', soft: 1, hard: 1 }]),
      'process.rlimits[1].type: duplicate rlimit type "RLIMIT_NOFILE"',
    );
  });

  it('an unknown namespace type', () => {
    rejects(specWith([['linux', 'namespaces', 0, 'type'], 'foo']), 'linux.namespaces[0].type: unknown namespace type "foo"');
  });

  it('a duplicate namespace', () => {
    rejects(specWith([['linux', 'namespaces', 6], { type: 'pid' }]), 'linux.namespaces[6].type: duplicate namespace type "pid"');
  });

  it('a relative namespace path', () => {
    rejects(
      specWith([['linux', 'namespaces', 1, 'path'], 'netns/x']),
      'linux.namespaces[1].path: must be an absolute path, got "netns/x"',
    );
  });

  it('a new user namespace without mappings', () => {
    rejects(specWith([['linux', 'namespaces', 6], { type: 'user' }]), 'linux.uidMappings: a new user namespace requires uid mappings');
  });

  it('mappings without a user namespace', () => {
    rejects(
      specWith([['linux', 'gidMappings'], [{ containerID: 0, hostID: 1000, size: 1 }]]),
      'linux.gidMappings: requires a user namespace in linux.namespaces',
    );
  });

  it('a bad id mapping', () => {
    rejects(
      specWith(
        [['linux', 'namespaces', 6], { type: 'user' }],
        [['linux', 'uidMappings'], [{ containerID: 0, hostID: 1000, size: 0 }]],
      ),
      'linux.uidMappings[0].size: must be between 1 and 4294967295, got 0',
    );
  });

  it('a relative mount destination', () => {
    rejects(specWith([['mounts', 2, 'destination'], 'dev/pts']), 'mounts[2].destination: must be an absolute path, got "dev/pts"');
  });

  it('mount options that are not strings', () => {
    rejects(specWith([['mounts', 0, 'options'], 'ro']), 'mounts[0].options: must be an array, got string "ro"');
  });

  it('an unknown device type', () => {
    rejects(
      specWith([['linux', 'devices'], [{ type: 'x', path: '/dev/x', major: 1, minor: 1 }]]),
      'linux.devices[0].type: unknown device type "x" (want c, b, u or p)',
    );
  });

  it('a device without a path or numbers', () => {
    rejects(specWith([['linux', 'devices'], [{ type: 'c', path: 'dev/x', major: 1, minor: 1 }]]), 'linux.devices[0].path: must be an absolute path, got "dev/x"');
    rejects(specWith([['linux', 'devices'], [{ type: 'c', path: '/dev/x', major: 1 }]]), 'linux.devices[0].minor: is required');
  });

  it('an unknown seccomp default action', () => {
    rejects(
      specWith([['linux', 'seccomp'], { defaultAction: 'SCMP_ACT_DENY' }]),
      'linux.seccomp.defaultAction: unknown seccomp action "SCMP_ACT_DENY"',
    );
  });

  it('a seccomp rule without names', () => {
    rejects(
      specWith([['linux', 'seccomp'], { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] }]),
      'linux.seccomp.syscalls[0].names: must not be empty',
    );
  });

  it('an unknown seccomp rule action', () => {
    rejects(
      specWith([['linux', 'seccomp'], { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mount'], action: 'deny' }] }]),
      'linux.seccomp.syscalls[0].action: unknown seccomp action "deny"',
    );
  });

  it('a seccomp argument index above 5', () => {
    rejects(
      specWith([
        ['linux', 'seccomp'],
        {
          defaultAction: 'SCMP_ACT_ALLOW',
          syscalls: [{ names: ['ioctl'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }],
        },
      ]),
      'linux.seccomp.syscalls[0].args[0].index: must be between 0 and 5, got 6',
    );
  });

  it('an unknown seccomp operator', () => {
    rejects(
      specWith([
        ['linux', 'seccomp'],
        {
          defaultAction: 'SCMP_ACT_ALLOW',
          syscalls: [{ names: ['ioctl'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'EQ' }] }],
        },
      ]),
      'linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator "EQ"',
    );
  });

  it('an unknown seccomp architecture', () => {
    rejects(
      specWith([['linux', 'seccomp'], { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['x86_64'] }]),
      'linux.seccomp.architectures[0]: unknown seccomp architecture "x86_64"',
    );
  });

  it('a notify action without a listener', () => {
    rejects(
      specWith([['linux', 'seccomp'], { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mount'], action: 'SCMP_ACT_NOTIFY' }] }]),
      'linux.seccomp.listenerPath: is required when an action is SCMP_ACT_NOTIFY',
    );
  });

  it('a malformed sysctl name', () => {
    rejects(specWith([['linux', 'sysctl'], { 'net..ipv4': '1' }]), 'linux.sysctl.net..ipv4: invalid sysctl name "net..ipv4"');
  });

  it('a sysctl that is not namespaced', () => {
    rejects(
      specWith([['linux', 'sysctl'], { 'vm.swappiness': '1' }]),
      'linux.sysctl.vm.swappiness: sysctl "vm.swappiness" is not namespaced and would change the host',
    );
  });

  it('a sysctl without its namespace', () => {
    rejects(
      specWith([['linux', 'namespaces'], [{ type: 'pid' }, { type: 'mount' }]], [['hostname'], undefined], [['linux', 'sysctl'], { 'net.ipv4.ip_forward': '1' }]),
      'linux.sysctl.net.ipv4.ip_forward: sysctl "net.ipv4.ip_forward" requires a network namespace',
    );
  });

  it('a hostname without a uts namespace', () => {
    rejects(specWith([['linux', 'namespaces'], [{ type: 'pid' }, { type: 'mount' }]]), 'hostname: requires a uts namespace in linux.namespaces');
  });

  it('relative masked and read-only paths', () => {
    rejects(specWith([['linux', 'maskedPaths', 0], 'proc/kcore']), 'linux.maskedPaths[0]: must be an absolute path, got "proc/kcore"');
    rejects(specWith([['linux', 'readonlyPaths', 4], '']), 'linux.readonlyPaths[4]: must not be empty');
  });

  it('resources of the wrong type', () => {
    rejects(specWith([['linux', 'resources', 'memory'], { limit: '1g' }]), 'linux.resources.memory.limit: must be an integer, got string "1g"');
    rejects(specWith([['linux', 'resources', 'cpu'], { cpus: 2 }]), 'linux.resources.cpu.cpus: must be a string, got number 2');
    rejects(specWith([['linux', 'resources', 'pids'], { limit: 1.5 }]), 'linux.resources.pids.limit: must be an integer, got number 1.5');
  });

  it('a bad device cgroup rule', () => {
    rejects(
      specWith([['linux', 'resources', 'devices', 0], { allow: true, type: 'c', access: 'rwx' }]),
      'linux.resources.devices[0].access: must be made of r, w and m, got "rwx"',
    );
    rejects(specWith([['linux', 'resources', 'devices', 0], { access: 'rwm' }]), 'linux.resources.devices[0].allow: is required');
  });

  it('an unknown rootfs propagation', () => {
    rejects(specWith([['linux', 'rootfsPropagation'], 'rbind']), 'linux.rootfsPropagation: unknown propagation "rbind"');
  });

  it('a relative hook path', () => {
    rejects(specWith([['hooks', 'prestart'], [{ path: 'hook.sh' }]]), 'hooks.prestart[0].path: must be an absolute path, got "hook.sh"');
  });

  it('annotations that are not strings', () => {
    rejects(specWith([['annotations'], { a: 1 }]), 'annotations.a: must be a string, got number 1');
  });
});
