import { invalidArgument } from '../../errors.js';
import type { DeviceCgroupRule } from '../../oci/spec.js';

/**
 * The device allow-list on cgroup v2, which has no devices.allow file: an
 * eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE that the kernel runs on
 * every open and mknod of a device by a process of the cgroup. Compiled
 * here from the OCI rules; the C core only loads and attaches it.
 *
 * Semantics follow the v1 controller, which the rules were written for:
 * the list starts from "everything allowed" and the last rule that matches
 * a request decides. So rules are emitted last to first, each returning its
 * verdict on a match; a request no rule matches is allowed.
 */

// struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
// access_type = (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_*
const DEV_BLOCK = 1;
const DEV_CHAR = 2;
const ACC_MKNOD = 1;
const ACC_READ = 2;
const ACC_WRITE = 4;

// eBPF opcodes (linux/bpf_common.h, linux/bpf.h)
const LDX_MEM_W = 0x61; // dst = *(u32 *)(src + off)
const MOV64_K = 0xb7;
const MOV64_X = 0xbf;
const AND64_K = 0x57;
const RSH64_K = 0x77;
const JNE_K = 0x55; // if dst != imm goto +off
const EXIT = 0x95;

const R0 = 0;
const R1 = 1; // the context on entry
const R2 = 2; // device type
const R3 = 3; // requested access
const R4 = 4; // major
const R5 = 5; // minor
const R6 = 6; // scratch

interface Insn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

const insn = (code: number, dst: number, src: number, off: number, imm: number): Insn => ({ code, dst, src, off, imm });

export function compileDeviceFilter(rules: DeviceCgroupRule[]): Buffer {
  const prog: Insn[] = [
    insn(LDX_MEM_W, R2, R1, 0, 0),
    insn(AND64_K, R2, 0, 0, 0xffff),
    insn(LDX_MEM_W, R3, R1, 0, 0),
    insn(RSH64_K, R3, 0, 0, 16),
    insn(LDX_MEM_W, R4, R1, 4, 0),
    insn(LDX_MEM_W, R5, R1, 8, 0),
  ];
  for (let i = rules.length - 1; i >= 0; i--) {
    const block = ruleBlock(rules[i] as DeviceCgroupRule, i);
    prog.push(...block);
    // A rule that matches everything decides alone: what would follow could
    // never run, and the verifier refuses unreachable instructions.
    if (block.length === 2) return encode(prog);
  }
  prog.push(insn(MOV64_K, R0, 0, 0, 1), insn(EXIT, 0, 0, 0, 0));
  return encode(prog);
}

/** One rule: the checks jump past the block on a mismatch; the end of the block returns the verdict. */
function ruleBlock(rule: DeviceCgroupRule, index: number): Insn[] {
  const field = `linux.resources.devices[${index}]`;
  const checks: Insn[][] = [];
  const type = rule.type ?? 'a';
  if (type === 'c' || type === 'b') checks.push([insn(JNE_K, R2, 0, 0, type === 'c' ? DEV_CHAR : DEV_BLOCK)]);
  else if (type !== 'a') throw invalidArgument(`${field}.type`, `unknown device type ${JSON.stringify(type)}`);
  const access = accessBits(rule.access ?? 'rwm', `${field}.access`);
  if (access !== (ACC_MKNOD | ACC_READ | ACC_WRITE)) {
    // The request must ask for nothing the rule does not cover.
    checks.push([insn(MOV64_X, R6, R3, 0, 0), insn(AND64_K, R6, 0, 0, ~access & 0xffff), insn(JNE_K, R6, 0, 0, 0)]);
  }
  if (rule.major !== undefined && rule.major !== null && rule.major >= 0) checks.push([insn(JNE_K, R4, 0, 0, rule.major)]);
  if (rule.minor !== undefined && rule.minor !== null && rule.minor >= 0) checks.push([insn(JNE_K, R5, 0, 0, rule.minor)]);
  const verdict = [insn(MOV64_K, R0, 0, 0, rule.allow ? 1 : 0), insn(EXIT, 0, 0, 0, 0)];
  const body = checks.flat();
  // Each conditional jump skips what follows it in the block, verdict included.
  body.forEach((ins, i) => {
    if (ins.code === JNE_K) ins.off = body.length - i - 1 + verdict.length;
  });
  return [...body, ...verdict];
}

function accessBits(access: string, field: string): number {
  let bits = 0;
  for (const c of access) {
    if (c === 'r') bits |= ACC_READ;
    else if (c === 'w') bits |= ACC_WRITE;
    else if (c === 'm') bits |= ACC_MKNOD;
    else throw invalidArgument(field, `unknown access ${JSON.stringify(c)} (use r, w, m)`);
  }
  return bits;
}

/** struct bpf_insn: u8 code, u8 dst_reg:4 | src_reg:4, s16 off, s32 imm; little-endian. */
function encode(prog: Insn[]): Buffer {
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach((p, i) => {
    buf.writeUInt8(p.code, i * 8);
    buf.writeUInt8((p.src << 4) | p.dst, i * 8 + 1);
    buf.writeInt16LE(p.off, i * 8 + 2);
    buf.writeInt32LE(p.imm | 0, i * 8 + 4);
  });
  return buf;
}
