import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { X32_SYSCALL_BIT } from './constants.js';
import { SYSCALLS_AARCH64 } from './tables/aarch64.js';
import { SYSCALLS_X32 } from './tables/x32.js';
import { SYSCALLS_X86 } from './tables/x86.js';
import { SYSCALLS_X86_64 } from './tables/x86_64.js';

describe('syscall tables', () => {
  test('x86_64 numbers', () => {
    assert.equal(SYSCALLS_X86_64.get('read'), 0);
    assert.equal(SYSCALLS_X86_64.get('personality'), 135);
    assert.equal(SYSCALLS_X86_64.get('openat'), 257);
    assert.equal(SYSCALLS_X86_64.get('clone3'), 435);
    assert.equal(SYSCALLS_X86_64.get('fchmodat2'), 452); // newer than the 6.1 headers
    assert.equal(SYSCALLS_X86_64.get('socketcall'), undefined);
  });

  test('i386 numbers', () => {
    assert.equal(SYSCALLS_X86.get('read'), 3);
    assert.equal(SYSCALLS_X86.get('socketcall'), 102);
    assert.equal(SYSCALLS_X86.get('_llseek'), 140);
    assert.equal(SYSCALLS_X86.get('socket'), 359);
  });

  test('x32 numbers carry the x32 bit, including the 512-547 compat range', () => {
    assert.equal(SYSCALLS_X32.get('read'), X32_SYSCALL_BIT);
    assert.equal(SYSCALLS_X32.get('rt_sigaction'), X32_SYSCALL_BIT + 512);
    assert.equal(SYSCALLS_X32.get('ptrace'), X32_SYSCALL_BIT + 521);
    for (const nr of SYSCALLS_X32.values()) assert.ok(nr >= X32_SYSCALL_BIT && nr < X32_SYSCALL_BIT + 1024);
  });

  test('aarch64 uses asm-generic numbers', () => {
    assert.equal(SYSCALLS_AARCH64.get('io_setup'), 0);
    assert.equal(SYSCALLS_AARCH64.get('openat'), 56);
    assert.equal(SYSCALLS_AARCH64.get('read'), 63);
    assert.equal(SYSCALLS_AARCH64.get('fstat'), 80);
    assert.equal(SYSCALLS_AARCH64.get('getpid'), 172);
    assert.equal(SYSCALLS_AARCH64.get('mmap'), 222);
    assert.equal(SYSCALLS_AARCH64.get('clone3'), 435);
    assert.equal(SYSCALLS_AARCH64.get('memfd_secret'), 447);
    // No legacy calls on asm-generic architectures.
    assert.equal(SYSCALLS_AARCH64.get('open'), undefined);
    assert.equal(SYSCALLS_AARCH64.get('fork'), undefined);
    assert.equal(SYSCALLS_AARCH64.get('fcntl64'), undefined);
  });

  test('names are unique per number and look like syscall names', () => {
    for (const table of [SYSCALLS_X86_64, SYSCALLS_X86, SYSCALLS_X32, SYSCALLS_AARCH64]) {
      assert.ok(table.size > 300);
      const numbers = new Set(table.values());
      assert.equal(numbers.size, table.size);
      for (const name of table.keys()) assert.match(name, /^[a-z_][a-z0-9_]*$/);
      assert.ok(!table.has('syscalls'));
    }
  });
});
