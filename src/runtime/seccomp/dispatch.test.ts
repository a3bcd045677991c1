import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Assembler, encodeProgram } from './assembler.js';
import { decode, runFilter } from './bpf-vm.test-helper.js';
import { AUDIT_ARCH_X86_64, SECCOMP_DATA_NR } from './constants.js';
import { emitDispatch } from './dispatch.js';
import type { Rule } from './profile.js';

const DEFAULT = 0x00050001;

function build(rules: ReadonlyMap<number, readonly Rule[]>): Buffer {
  const asm = new Assembler();
  asm.load(SECCOMP_DATA_NR);
  emitDispatch(asm, rules, DEFAULT, true);
  return encodeProgram(asm.assemble());
}

const run = (program: Buffer, nr: number, a0 = 0n): number => runFilter(program, { nr, arch: AUDIT_ARCH_X86_64, args: [a0] });

/** Deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('emitDispatch', () => {
  test('no rules: the default action for everything', () => {
    const program = build(new Map());
    assert.equal(decode(program).length, 2); // ld nr, ret default
    assert.equal(run(program, 0), DEFAULT);
  });

  test('every number gets its own action, around runs, gaps and conditional syscalls', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const next = random(seed);
      const rules = new Map<number, Rule[]>();
      const expected = new Map<number, { action: number; when?: bigint; otherwise?: number }>();
      const actions = [0x7fff0000, 0x7ffc0000, 0x00050026];
      const max = 50 + Math.floor(next() * 600);
      for (let nr = 0; nr < max; nr++) {
        const r = next();
        if (r < 0.2) continue; // a gap
        const action = actions[Math.floor(next() * actions.length)] ?? 0;
        if (r < 0.3) {
          const when = BigInt(nr) << 33n;
          rules.set(nr, [{ action, conditions: [{ index: 0, op: 'SCMP_CMP_EQ', value: when, valueTwo: 0n }] }]);
          expected.set(nr, { action, when, otherwise: DEFAULT });
        } else {
          rules.set(nr, [{ action, conditions: [] }]);
          expected.set(nr, { action });
        }
      }
      const program = build(rules);
      for (let nr = 0; nr < max + 3; nr++) {
        const want = expected.get(nr);
        if (want === undefined) {
          assert.equal(run(program, nr), DEFAULT, `seed ${seed} nr ${nr} (unlisted)`);
        } else if (want.when === undefined) {
          assert.equal(run(program, nr), want.action, `seed ${seed} nr ${nr}`);
        } else {
          assert.equal(run(program, nr, want.when), want.action, `seed ${seed} nr ${nr} (condition holds)`);
          assert.equal(run(program, nr, want.when + 1n), want.otherwise, `seed ${seed} nr ${nr} (condition fails)`);
        }
      }
      assert.equal(run(program, 0x40000000), DEFAULT);
      assert.equal(run(program, 0xffffffff), DEFAULT);
    }
  });

  test('a run of neighbouring syscalls with one action costs two tests', () => {
    const rules = new Map<number, Rule[]>();
    for (let nr = 10; nr < 310; nr++) rules.set(nr, [{ action: 0x7fff0000, conditions: [] }]);
    const program = build(rules);
    // ld nr, jgt 309, jge 10, ret default, ret allow
    assert.equal(decode(program).length, 5);
    assert.equal(run(program, 9), DEFAULT);
    assert.equal(run(program, 10), 0x7fff0000);
    assert.equal(run(program, 309), 0x7fff0000);
    assert.equal(run(program, 310), DEFAULT);
  });
});
