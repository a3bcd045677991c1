// The interpreter the other tests trust: make sure it rejects and computes
// what the kernel would, so a compiler bug cannot hide behind a lenient VM.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Instruction, encodeProgram } from './assembler.js';
import { checkFilter, runFilter, seccompData } from './bpf-vm.test-helper.js';
import {
  AUDIT_ARCH_X86_64,
  BPF_ABS,
  BPF_ALU,
  BPF_AND,
  BPF_JA,
  BPF_JEQ,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_RET,
  BPF_W,
} from './constants.js';

const ld = (k: number): Instruction => ({ code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k });
const ret = (k: number): Instruction => ({ code: BPF_RET | BPF_K, jt: 0, jf: 0, k });
const jmp = (op: number, k: number, jt: number, jf: number): Instruction => ({ code: BPF_JMP | op | BPF_K, jt, jf, k });
const raw = (insns: Instruction[]): Buffer => encodeProgram(insns);

describe('bpf-vm test helper', () => {
  test('lays out seccomp_data like the kernel', () => {
    const buf = seccompData({ nr: -1, arch: AUDIT_ARCH_X86_64, instructionPointer: 0x1122334455667788n, args: [1n, 0xaabbccdd00000001n] });
    assert.equal(buf.length, 64);
    assert.equal(buf.readUInt32LE(0), 0xffffffff);
    assert.equal(buf.readUInt32LE(4), AUDIT_ARCH_X86_64);
    assert.equal(buf.readUInt32LE(8), 0x55667788);
    assert.equal(buf.readUInt32LE(16), 1);
    assert.equal(buf.readUInt32LE(24), 1);
    assert.equal(buf.readUInt32LE(28), 0xaabbccdd);
  });

  test('runs loads, jumps, ALU and returns', () => {
    const program = raw([
      ld(0), // nr
      jmp(BPF_JEQ, 7, 0, 3),
      ld(28), // high half of args[1]
      { code: BPF_ALU | BPF_AND | BPF_K, jt: 0, jf: 0, k: 0xff000000 },
      jmp(BPF_JGT, 0x10000000, 1, 0),
      ret(1),
      jmp(BPF_JSET, 0x80000000, 0, 1),
      ret(2),
      ret(3),
    ]);
    assert.equal(runFilter(program, { nr: 8, arch: 0 }), 1);
    assert.equal(runFilter(program, { nr: 7, arch: 0, args: [0n, 0x0f00000000000000n] }), 1);
    assert.equal(runFilter(program, { nr: 7, arch: 0, args: [0n, 0x8000000000000000n] }), 2);
    assert.equal(runFilter(program, { nr: 7, arch: 0, args: [0n, 0x7000000000000000n] }), 3);
  });

  test('rejects what the kernel rejects', () => {
    assert.throws(() => checkFilter(Buffer.alloc(0)), /0 instructions/);
    assert.throws(() => checkFilter(raw([ld(0)])), /last instruction/);
    assert.throws(() => checkFilter(raw([ld(2), ret(0)])), /offset 2/);
    assert.throws(() => checkFilter(raw([ld(64), ret(0)])), /offset 64/);
    assert.throws(() => checkFilter(raw([jmp(BPF_JEQ, 0, 1, 0), ret(0)])), /out of the program/);
    assert.throws(() => checkFilter(raw([{ code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: 1 }, ret(0)])), /out of the program/);
    assert.throws(() => checkFilter(raw([{ code: 0x30, jt: 0, jf: 0, k: 0 }, ret(0)])), /not allowed/); // BPF_LD|BPF_B|BPF_ABS
    assert.throws(() => checkFilter(raw(Array.from({ length: 4097 }, () => ret(0)))), /4097/);
    checkFilter(raw([ld(60), ret(0)]));
  });
});
