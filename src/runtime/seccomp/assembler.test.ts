import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Assembler, encodeProgram } from './assembler.js';
import { decode, runFilter } from './bpf-vm.test-helper.js';
import { AUDIT_ARCH_X86_64, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JMP, SECCOMP_DATA_NR } from './constants.js';

const program = (asm: Assembler): Buffer => encodeProgram(asm.assemble());
const run = (prog: Buffer, nr: number): number => runFilter(prog, { nr, arch: AUDIT_ARCH_X86_64 });

/** `count` harmless instructions (unreachable filler). */
function filler(asm: Assembler, count: number): void {
  for (let i = 0; i < count; i++) asm.ret(1000 + i);
}

describe('Assembler', () => {
  test('encodes struct sock_filter little-endian', () => {
    const asm = new Assembler();
    asm.load(SECCOMP_DATA_NR);
    const yes = asm.label();
    const no = asm.label();
    asm.jump(BPF_JEQ, 0x01020304, yes, no);
    asm.place(no);
    asm.ret(0x7fff0000);
    asm.place(yes);
    asm.ret(0x00050001);
    const buf = program(asm);
    assert.equal(buf.length, 4 * 8);
    // jeq #0x01020304, jt=1 (skip the ret below), jf=0
    assert.deepEqual([...buf.subarray(8, 16)], [0x15, 0x00, 0x01, 0x00, 0x04, 0x03, 0x02, 0x01]);
    assert.equal(run(buf, 0x01020304), 0x00050001);
    assert.equal(run(buf, 7), 0x7fff0000);
  });

  test('a branch too far for u8 goes through a ja trampoline', () => {
    const asm = new Assembler();
    asm.load(SECCOMP_DATA_NR);
    const far = asm.label('far');
    const near = asm.label('near');
    asm.jump(BPF_JEQ, 1, far, near);
    asm.place(near);
    asm.ret(1);
    filler(asm, 300);
    asm.place(far);
    asm.ret(2);
    const buf = program(asm);
    const insns = decode(buf);
    assert.equal(insns.length, 1 + 2 + 1 + 300 + 1);
    assert.equal(insns[2]?.code, BPF_JMP | BPF_JA);
    assert.equal(run(buf, 1), 2);
    assert.equal(run(buf, 0), 1);
  });

  test('both branches far', () => {
    const asm = new Assembler();
    asm.load(SECCOMP_DATA_NR);
    const a = asm.label();
    const b = asm.label();
    asm.jump(BPF_JGE, 10, a, b);
    filler(asm, 260);
    asm.place(b);
    asm.ret(3);
    filler(asm, 260);
    asm.place(a);
    asm.ret(4);
    const buf = program(asm);
    assert.equal(run(buf, 9), 3);
    assert.equal(run(buf, 10), 4);
    assert.equal(run(buf, 11), 4);
  });

  test('trampolines that push other jumps out of range are relaxed too', () => {
    // Jump k skips 257 - N + k instructions: only the last one is too far at
    // first. Its trampoline pushes jump N-2 to 256, whose trampoline pushes
    // jump N-3 over, and so on: N rounds until every jump is long.
    const N = 20;
    const asm = new Assembler();
    asm.load(SECCOMP_DATA_NR);
    const targets = Array.from({ length: N }, (_, k) => asm.label(`t${k}`));
    targets.forEach((target, k) => {
      const next = asm.label();
      asm.jump(BPF_JEQ, k, target, next);
      asm.place(next);
    });
    asm.ret(999);
    filler(asm, 257 - 2 * N);
    targets.forEach((target, k) => {
      asm.place(target);
      asm.ret(100 + k);
      filler(asm, 1);
    });
    const buf = program(asm);
    for (let k = 0; k < N; k++) assert.equal(run(buf, k), 100 + k, `nr ${k}`);
    assert.equal(run(buf, N), 999);
    const insns = decode(buf);
    assert.equal(insns.filter((insn) => insn.code === (BPF_JMP | BPF_JA)).length, N);
  });

  test('a goto to the next instruction costs nothing', () => {
    const asm = new Assembler();
    const next = asm.label();
    asm.goto(next);
    asm.place(next);
    asm.ret(5);
    assert.equal(asm.assemble().length, 1);
  });

  test('refuses backward jumps and labels never placed', () => {
    const back = new Assembler();
    const top = back.here();
    back.load(0);
    back.jump(BPF_JEQ, 0, top, top);
    assert.throws(() => back.assemble(), /behind its jump/);

    const lost = new Assembler();
    lost.goto(lost.label('nowhere'));
    lost.ret(0);
    assert.throws(() => lost.assemble(), /never placed/);

    const twice = new Assembler();
    const l = twice.here();
    assert.throws(() => twice.place(l), /placed twice/);
  });
});
