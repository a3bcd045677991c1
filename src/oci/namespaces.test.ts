import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NAMESPACE_TYPES, isNamespaceType, namespaceCloneFlag, namespaceProcFile } from './namespaces.js';

describe('namespaces', () => {
  it('maps types to CLONE_NEW* flags', () => {
    assert.equal(namespaceCloneFlag('mount'), 0x20000);
    assert.equal(namespaceCloneFlag('uts'), 0x04000000);
    assert.equal(namespaceCloneFlag('ipc'), 0x08000000);
    assert.equal(namespaceCloneFlag('user'), 0x10000000);
    assert.equal(namespaceCloneFlag('pid'), 0x20000000);
    assert.equal(namespaceCloneFlag('network'), 0x40000000);
    assert.equal(namespaceCloneFlag('cgroup'), 0x02000000);
    assert.equal(namespaceCloneFlag('time'), 0x80);
  });

  it('maps types to /proc/PID/ns names', () => {
    assert.deepEqual(
      NAMESPACE_TYPES.map((t) => namespaceProcFile(t)),
      ['mnt', 'uts', 'ipc', 'user', 'pid', 'net', 'cgroup', 'time'],
    );
  });

  it('has distinct flags', () => {
    const flags = NAMESPACE_TYPES.map((t) => namespaceCloneFlag(t));
    assert.equal(new Set(flags).size, flags.length);
  });

  it('rejects unknown types', () => {
    assert.equal(isNamespaceType('net'), false);
    assert.equal(isNamespaceType('constructor'), false);
    assert.throws(() => namespaceCloneFlag('net', 'linux.namespaces[1].type'), /^BerthError: linux\.namespaces\[1\]\.type: unknown namespace type "net"$/);
  });
});
