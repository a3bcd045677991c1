import type { Assembler, Label } from './assembler.js';
import { BPF_AND, BPF_JEQ, BPF_JGE, BPF_JGT, argHighOffset, argLowOffset } from './constants.js';
import type { Condition } from './profile.js';

const WORD = 0xffffffffn;

const hiWord = (v: bigint): number => Number((v >> 32n) & WORD);
const loWord = (v: bigint): number => Number(v & WORD);

/**
 * Decides a condition at compile time when its outcome does not depend on
 * the argument, else returns it (for a narrow ABI: reduced to the low word).
 *
 * A narrow (32-bit) ABI's argument is its low word only (see Abi.wideArgs),
 * a value in [0, 2^32): `EQ 2^32` can never hold there, `LT 2^32` always does.
 */
export function simplifyCondition(c: Condition, wide: boolean): Condition | boolean {
  const max = wide ? (1n << 64n) - 1n : WORD;
  const { op, value, valueTwo } = c;
  switch (op) {
    case 'SCMP_CMP_EQ':
      return value > max ? false : c;
    case 'SCMP_CMP_NE':
      return value > max ? true : c;
    case 'SCMP_CMP_GT':
      return value >= max ? false : c;
    case 'SCMP_CMP_GE':
      return value === 0n ? true : value > max ? false : c;
    case 'SCMP_CMP_LT':
      return value === 0n ? false : value > max ? true : c;
    case 'SCMP_CMP_LE':
      return value >= max ? true : c;
    case 'SCMP_CMP_MASKED_EQ': {
      const mask = value & max;
      // Bits of the datum outside the mask can never be matched.
      if ((valueTwo & ~mask) !== 0n) return false;
      if (mask === 0n) return true;
      return { ...c, value: mask };
    }
  }
}

/**
 * Emits code that goes to `pass` if the condition holds and to `fail` if
 * not. Classic BPF registers are 32 bits wide, so a 64-bit comparison is
 * done on the high words first and the low words only decide when the high
 * words are equal (or, for MASKED_EQ, when the masked high word matches):
 *
 *     GT: hi(a) > hi(v)  -> pass     LT: hi(a) > hi(v)  -> fail
 *         hi(a) != hi(v) -> fail         hi(a) != hi(v) -> pass
 *         lo(a) > lo(v)  ? pass:fail     lo(a) >= lo(v) ? fail:pass
 *
 * All comparisons are unsigned, as BPF's jgt/jge are. A narrow ABI compares
 * the low words only (the condition must come from simplifyCondition).
 */
export function emitCondition(asm: Assembler, c: Condition, wide: boolean, pass: Label, fail: Label): void {
  const { op, index } = c;
  const masked = op === 'SCMP_CMP_MASKED_EQ';
  // After simplifyCondition, a MASKED_EQ with no mask bits in the high word
  // also has a zero high datum: the high words always match.
  if (wide && !(masked && hiWord(c.value) === 0)) {
    const hi = hiWord(c.value);
    const low = asm.label('lo');
    asm.load(argHighOffset(index));
    switch (op) {
      case 'SCMP_CMP_EQ':
        asm.jump(BPF_JEQ, hi, low, fail);
        break;
      case 'SCMP_CMP_NE':
        asm.jump(BPF_JEQ, hi, low, pass);
        break;
      case 'SCMP_CMP_GT':
      case 'SCMP_CMP_GE': {
        const same = asm.label('hi_eq');
        asm.jump(BPF_JGT, hi, pass, same);
        asm.place(same);
        asm.jump(BPF_JEQ, hi, low, fail);
        break;
      }
      case 'SCMP_CMP_LT':
      case 'SCMP_CMP_LE': {
        const same = asm.label('hi_eq');
        asm.jump(BPF_JGT, hi, fail, same);
        asm.place(same);
        asm.jump(BPF_JEQ, hi, low, pass);
        break;
      }
      case 'SCMP_CMP_MASKED_EQ':
        asm.alu(BPF_AND, hi);
        asm.jump(BPF_JEQ, hiWord(c.valueTwo), low, fail);
        break;
    }
    asm.place(low);
  }
  const lo = loWord(c.value);
  asm.load(argLowOffset(index));
  switch (op) {
    case 'SCMP_CMP_EQ':
      return asm.jump(BPF_JEQ, lo, pass, fail);
    case 'SCMP_CMP_NE':
      return asm.jump(BPF_JEQ, lo, fail, pass);
    case 'SCMP_CMP_GT':
      return asm.jump(BPF_JGT, lo, pass, fail);
    case 'SCMP_CMP_GE':
      return asm.jump(BPF_JGE, lo, pass, fail);
    case 'SCMP_CMP_LT':
      return asm.jump(BPF_JGE, lo, fail, pass);
    case 'SCMP_CMP_LE':
      return asm.jump(BPF_JGT, lo, fail, pass);
    case 'SCMP_CMP_MASKED_EQ':
      asm.alu(BPF_AND, lo);
      return asm.jump(BPF_JEQ, loWord(c.valueTwo), pass, fail);
  }
}
