/**
 * Test helper: a classic BPF interpreter for seccomp filters, written from
 * the kernel's rules (net/core/filter.c bpf_check_classic, kernel/seccomp.c
 * seccomp_check_filter) and not from the compiler, so tests can run a
 * compiled program against a syscall and see what the kernel would return.
 */
import {
  BPF_A,
  BPF_ABS,
  BPF_ADD,
  BPF_ALU,
  BPF_AND,
  BPF_DIV,
  BPF_IMM,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_LDX,
  BPF_LEN,
  BPF_LSH,
  BPF_MAXINSNS,
  BPF_MEM,
  BPF_MISC,
  BPF_MOD,
  BPF_MUL,
  BPF_NEG,
  BPF_OR,
  BPF_RET,
  BPF_RSH,
  BPF_ST,
  BPF_STX,
  BPF_SUB,
  BPF_TAX,
  BPF_TXA,
  BPF_W,
  BPF_X,
  BPF_XOR,
  SECCOMP_DATA_SIZE,
} from './constants.js';

export interface SeccompData {
  nr: number;
  arch: number;
  instructionPointer?: bigint;
  args?: readonly (bigint | number)[];
}

interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

export function decode(program: Buffer): Insn[] {
  if (program.length % 8 !== 0) throw new Error(`program length ${program.length} is not a multiple of 8`);
  const out: Insn[] = [];
  for (let off = 0; off < program.length; off += 8) {
    out.push({
      code: program.readUInt16LE(off),
      jt: program.readUInt8(off + 2),
      jf: program.readUInt8(off + 3),
      k: program.readUInt32LE(off + 4),
    });
  }
  return out;
}

const ALU_OPS = [BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR];
const JMP_OPS = [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET];

/** The opcodes seccomp_check_filter lets through. */
const ALLOWED = new Set<number>([
  BPF_LD | BPF_W | BPF_ABS,
  BPF_LD | BPF_W | BPF_LEN,
  BPF_LDX | BPF_W | BPF_LEN,
  BPF_RET | BPF_K,
  BPF_RET | BPF_A,
  ...ALU_OPS.flatMap((op) => [BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X]),
  BPF_ALU | BPF_NEG,
  BPF_LD | BPF_IMM,
  BPF_LDX | BPF_IMM,
  BPF_MISC | BPF_TAX,
  BPF_MISC | BPF_TXA,
  BPF_LD | BPF_MEM,
  BPF_LDX | BPF_MEM,
  BPF_ST,
  BPF_STX,
  BPF_JMP | BPF_JA,
  ...JMP_OPS.flatMap((op) => [BPF_JMP | op | BPF_K, BPF_JMP | op | BPF_X]),
]);

/** Throws what the kernel would answer with EINVAL at seccomp(SECCOMP_SET_MODE_FILTER). */
export function checkFilter(program: Buffer): void {
  const insns = decode(program);
  const flen = insns.length;
  if (flen === 0 || flen > BPF_MAXINSNS) throw new Error(`program has ${flen} instructions`);
  insns.forEach((insn, pc) => {
    const { code, jt, jf, k } = insn;
    if (!ALLOWED.has(code)) throw new Error(`pc ${pc}: opcode 0x${code.toString(16)} not allowed in seccomp`);
    if (code === (BPF_LD | BPF_W | BPF_ABS) && (k >= SECCOMP_DATA_SIZE || k % 4 !== 0)) {
      throw new Error(`pc ${pc}: load of seccomp_data offset ${k}`);
    }
    if ((code === (BPF_ALU | BPF_DIV | BPF_K) || code === (BPF_ALU | BPF_MOD | BPF_K)) && k === 0) {
      throw new Error(`pc ${pc}: division by zero`);
    }
    if ((code === (BPF_LD | BPF_MEM) || code === (BPF_LDX | BPF_MEM) || code === BPF_ST || code === BPF_STX) && k >= 16) {
      throw new Error(`pc ${pc}: scratch memory index ${k}`);
    }
    if (code === (BPF_JMP | BPF_JA)) {
      if (k >= flen - pc - 1) throw new Error(`pc ${pc}: ja ${k} out of the program`);
    } else if ((code & 0x07) === BPF_JMP) {
      if (pc + 1 + jt >= flen || pc + 1 + jf >= flen) throw new Error(`pc ${pc}: jump out of the program`);
    }
  });
  const last = insns[flen - 1];
  if (last === undefined || (last.code !== (BPF_RET | BPF_K) && last.code !== (BPF_RET | BPF_A))) {
    throw new Error('last instruction is not a return');
  }
}

export function seccompData(data: SeccompData): Buffer {
  const buf = Buffer.alloc(SECCOMP_DATA_SIZE);
  buf.writeInt32LE(data.nr | 0, 0);
  buf.writeUInt32LE(data.arch >>> 0, 4);
  buf.writeBigUInt64LE(data.instructionPointer ?? 0n, 8);
  (data.args ?? []).forEach((a, i) => buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(a)), 16 + 8 * i));
  return buf;
}

/** Programs already checked and decoded: tests run one program thousands of times (do not mutate them). */
const decoded = new WeakMap<Buffer, Insn[]>();

/** Runs a filter (checked first) for one syscall and returns the 32-bit action value. */
export function runFilter(program: Buffer, data: SeccompData): number {
  let insns = decoded.get(program);
  if (insns === undefined) {
    checkFilter(program);
    insns = decode(program);
    decoded.set(program, insns);
  }
  return execute(insns, seccompData(data));
}

function execute(insns: readonly Insn[], data: Buffer): number {
  let a = 0;
  let x = 0;
  const mem = new Array<number>(16).fill(0);
  let pc = 0;
  for (let steps = 0; steps <= insns.length; steps++) {
    const insn = insns[pc];
    if (insn === undefined) throw new Error(`fell off the program at pc ${pc}`);
    const { code, jt, jf, k } = insn;
    pc++;
    const cls = code & 0x07;
    if (cls === BPF_RET) return ((code & 0x18) === BPF_A ? a : k) >>> 0;
    if (cls === BPF_JMP) {
      const op = code & 0xf0;
      if (op === BPF_JA) {
        pc += k;
        continue;
      }
      const src = (code & BPF_X) !== 0 ? x : k;
      const taken =
        op === BPF_JEQ ? a === src : op === BPF_JGT ? a > src : op === BPF_JGE ? a >= src : (a & src) >>> 0 !== 0;
      pc += taken ? jt : jf;
      continue;
    }
    if (cls === BPF_ALU) {
      const op = code & 0xf0;
      const src = (code & BPF_X) !== 0 ? x : k;
      a = alu(op, a, src) >>> 0;
      continue;
    }
    switch (code) {
      case BPF_LD | BPF_W | BPF_ABS:
        a = data.readUInt32LE(k);
        break;
      case BPF_LD | BPF_W | BPF_LEN:
        a = SECCOMP_DATA_SIZE;
        break;
      case BPF_LDX | BPF_W | BPF_LEN:
        x = SECCOMP_DATA_SIZE;
        break;
      case BPF_LD | BPF_IMM:
        a = k;
        break;
      case BPF_LDX | BPF_IMM:
        x = k;
        break;
      case BPF_LD | BPF_MEM:
        a = mem[k] ?? 0;
        break;
      case BPF_LDX | BPF_MEM:
        x = mem[k] ?? 0;
        break;
      case BPF_ST:
        mem[k] = a;
        break;
      case BPF_STX:
        mem[k] = x;
        break;
      case BPF_MISC | BPF_TAX:
        x = a;
        break;
      case BPF_MISC | BPF_TXA:
        a = x;
        break;
      default:
        throw new Error(`pc ${pc - 1}: unknown opcode 0x${code.toString(16)}`);
    }
  }
  throw new Error('program did not terminate');
}

function alu(op: number, a: number, src: number): number {
  switch (op) {
    case BPF_ADD:
      return a + src;
    case BPF_SUB:
      return a - src;
    case BPF_MUL:
      return Math.imul(a, src);
    case BPF_DIV:
      return src === 0 ? 0 : Math.floor(a / src);
    case BPF_MOD:
      return src === 0 ? a : a % src;
    case BPF_OR:
      return a | src;
    case BPF_AND:
      return a & src;
    case BPF_XOR:
      return a ^ src;
    case BPF_LSH:
      return src >= 32 ? 0 : a << src;
    case BPF_RSH:
      return src >= 32 ? 0 : a >>> src;
    case BPF_NEG:
      return -a;
    default:
      throw new Error(`unknown alu op 0x${op.toString(16)}`);
  }
}
