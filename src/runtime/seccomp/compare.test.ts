import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SeccompOperator } from '../../oci/spec.js';
import { runFilter } from './bpf-vm.test-helper.js';
import { compileSeccomp } from './compile.js';
import { AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO } from './constants.js';

const U64 = (1n << 64n) - 1n;
const DENIED = SECCOMP_RET_ERRNO | 1;

/** What the condition means, computed with bigints: the oracle the filter is held to. */
function holds(op: SeccompOperator, a: bigint, value: bigint, valueTwo: bigint): boolean {
  switch (op) {
    case 'SCMP_CMP_EQ':
      return a === value;
    case 'SCMP_CMP_NE':
      return a !== value;
    case 'SCMP_CMP_LT':
      return a < value;
    case 'SCMP_CMP_LE':
      return a <= value;
    case 'SCMP_CMP_GT':
      return a > value;
    case 'SCMP_CMP_GE':
      return a >= value;
    case 'SCMP_CMP_MASKED_EQ':
      return (a & value) === valueTwo;
  }
}

/** Small deterministic PRNG (xorshift64) so failures reproduce. */
function random(seed: bigint): () => bigint {
  let s = seed;
  return () => {
    s ^= (s << 13n) & U64;
    s ^= s >> 7n;
    s ^= (s << 17n) & U64;
    return s;
  };
}

/** Values where 64-bit comparison done in two 32-bit halves goes wrong if done wrong. */
const EDGES = [
  0n,
  1n,
  0x7fffffffn,
  0x80000000n,
  0xfffffffen,
  0xffffffffn,
  0x100000000n,
  0x100000001n,
  0x1ffffffffn,
  0x200000000n,
  0x123456789abcdef0n,
  0x7fffffffffffffffn,
  0x8000000000000000n,
  0xffffffff00000000n,
  0xfffffffffffffffen,
  U64,
];

/** Arguments around `v`: each half one up and down, plus the edges and some random ones. */
function probes(v: bigint, next: () => bigint): bigint[] {
  const hi = v >> 32n;
  const lo = v & 0xffffffffn;
  const out = new Set<bigint>([...EDGES, v]);
  for (const dh of [-1n, 0n, 1n]) {
    for (const dl of [-1n, 0n, 1n]) {
      const h = hi + dh;
      const l = lo + dl;
      if (h >= 0n && h <= 0xffffffffn && l >= 0n && l <= 0xffffffffn) out.add((h << 32n) | l);
    }
  }
  for (let i = 0; i < 8; i++) out.add(next());
  return [...out];
}

const ORDERED: SeccompOperator[] = ['SCMP_CMP_EQ', 'SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_GT', 'SCMP_CMP_GE'];
const PERSONALITY_X86_64 = 135;
const PERSONALITY_I386 = 136;

function compileOne(op: SeccompOperator, index: number, value: bigint, valueTwo: bigint): Buffer {
  // The spec's types say number; values past 2^53 need bigints (see parseU64).
  const arg = { index, op, value: value as unknown as number, valueTwo: valueTwo as unknown as number };
  return compileSeccomp(
    {
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
      syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [arg] }],
    },
    'x64',
  ).program;
}

function check(program: Buffer, op: SeccompOperator, index: number, value: bigint, valueTwo: bigint, a: bigint): void {
  const args = [0n, 0n, 0n, 0n, 0n, 0n];
  // Noise in the other arguments must not matter.
  for (let i = 0; i < 6; i++) if (i !== index) args[i] = 0xdeadbeefcafef00dn;
  args[index] = a;
  const want = (ok: boolean) => (ok ? SECCOMP_RET_ALLOW : DENIED);
  const what = `${op} args[${index}]=0x${a.toString(16)} value=0x${value.toString(16)} valueTwo=0x${valueTwo.toString(16)}`;
  assert.equal(runFilter(program, { nr: PERSONALITY_X86_64, arch: AUDIT_ARCH_X86_64, args }), want(holds(op, a, value, valueTwo)), `x86_64 ${what}`);
  // i386 syscalls only have 32-bit arguments: the high half of the register is ignored.
  const low = a & 0xffffffffn;
  assert.equal(runFilter(program, { nr: PERSONALITY_I386, arch: AUDIT_ARCH_I386, args }), want(holds(op, low, value, valueTwo)), `i386 ${what}`);
}

describe('argument comparisons', () => {
  for (const op of ORDERED) {
    test(`${op} on 64-bit values, x86_64 and i386`, () => {
      const next = random(0x9e3779b97f4a7c15n ^ BigInt(op.length));
      const values = [...EDGES, next(), next(), next() & 0xffffffffn, (next() << 32n) & U64];
      values.forEach((value, n) => {
        const index = n % 6;
        const program = compileOne(op, index, value, 0n);
        for (const a of probes(value, next)) check(program, op, index, value, 0n, a);
      });
    });
  }

  test('SCMP_CMP_MASKED_EQ: (arg & value) == valueTwo', () => {
    const next = random(0x2545f4914f6cdd1dn);
    const cases: [bigint, bigint][] = [
      [0xffn, 0x12n],
      [0x7e020000n, 0n], // Docker's clone namespace-flag test
      [0xffffffff00000000n, 0xdeadbeef00000000n],
      [0x8000000000000001n, 0x8000000000000000n],
      [0x8000000000000001n, 0x1n],
      [U64, 0x123456789abcdef0n],
      [0xf0n, 0x0fn], // datum outside the mask: never matches
      [0n, 0n], // empty mask: always matches
      [0x100000000n, 0x100000000n], // high bit only: never on i386
    ];
    for (let i = 0; i < 6; i++) {
      const mask = next();
      cases.push([mask, next() & mask]);
    }
    cases.forEach(([mask, datum], n) => {
      const index = n % 6;
      const program = compileOne('SCMP_CMP_MASKED_EQ', index, mask, datum);
      const args = [...probes(datum, next), datum | ~mask & U64, datum ^ 1n, datum ^ (1n << 63n), datum ^ (1n << 32n)];
      for (const a of args) check(program, 'SCMP_CMP_MASKED_EQ', index, mask, datum, a);
    });
  });

  test('the oracle itself is not trivially true', () => {
    // Guards the guard: a filter that allowed everything would fail here.
    const program = compileOne('SCMP_CMP_GT', 0, 0x100000000n, 0n);
    assert.equal(runFilter(program, { nr: PERSONALITY_X86_64, arch: AUDIT_ARCH_X86_64, args: [0xffffffffn] }), DENIED);
    assert.equal(runFilter(program, { nr: PERSONALITY_X86_64, arch: AUDIT_ARCH_X86_64, args: [0x100000001n] }), SECCOMP_RET_ALLOW);
    assert.equal(runFilter(program, { nr: PERSONALITY_X86_64, arch: AUDIT_ARCH_X86_64, args: [0x200000000n] }), SECCOMP_RET_ALLOW);
  });
});
