import { invalidArgument } from '../../errors.js';
import type { Seccomp } from '../../oci/spec.js';
import { type Abi, selectAbis } from './arches.js';
import { Assembler, encodeProgram } from './assembler.js';
import {
  AUDIT_ARCH_X86_64,
  BPF_JEQ,
  BPF_JGE,
  BPF_MAXINSNS,
  SECCOMP_DATA_ARCH,
  SECCOMP_DATA_NR,
  SECCOMP_RET_KILL_PROCESS,
  X32_SYSCALL_BIT,
} from './constants.js';
import { emitDispatch } from './dispatch.js';
import { parseProfile } from './profile.js';
import { rulesFor } from './resolve.js';

/** A seccomp filter ready for seccomp(SECCOMP_SET_MODE_FILTER, flags, &{len, filter}). */
export interface CompiledSeccomp {
  /** struct sock_filter[]: 8 bytes each, u16 code, u8 jt, u8 jf, u32 k, little-endian. */
  program: Buffer;
  /** SECCOMP_FILTER_FLAG_* bits from the profile's flags. */
  flags: number;
  /** program.length / 8 */
  instructions: number;
}

/**
 * What a syscall from an architecture the filter does not check gets.
 * libseccomp's default is SCMP_ACT_KILL (the thread); berth kills the whole
 * process instead: a process with one thread gone mid-flight is left in a
 * state nobody planned for, and a foreign-ABI syscall is either an attack or
 * a binary that cannot work here anyway.
 */
export const BAD_ARCH_ACTION = SECCOMP_RET_KILL_PROCESS;

interface Section {
  audit: number;
  abi: Abi;
  /** x32 syscalls share x86_64's arch token and are told apart by X32_SYSCALL_BIT in nr. */
  x32: Abi | undefined;
}

/**
 * Compiles an OCI seccomp profile to a classic BPF program for a host of
 * architecture `arch` (Node's process.arch names), with runc/libseccomp
 * semantics:
 *
 *     ld arch
 *     jeq AUDIT_ARCH_X86_64, x86_64, +0     one test per ABI the host can run
 *     jeq AUDIT_ARCH_I386, i386, +0
 *     ret KILL_PROCESS                      any other arch
 *     x86_64: ld nr
 *             jge X32_SYSCALL_BIT, x32, +0  x32 numbers must not reach x86_64 rules
 *             <dispatch x86_64 rules>
 *     x32:    <dispatch x32 rules> | ret KILL_PROCESS when the profile does not list x32
 *     i386:   ld nr
 *             <dispatch i386 rules>
 */
export function compileSeccomp(seccomp: Seccomp, arch: string = process.arch): CompiledSeccomp {
  const profile = parseProfile(seccomp);
  const abis = selectAbis(profile.architectures, arch);
  const sections: Section[] = [];
  for (const abi of abis) {
    if (abi.name !== 'SCMP_ARCH_X32') sections.push({ audit: abi.audit, abi, x32: undefined });
  }
  const x32 = abis.find((a) => a.name === 'SCMP_ARCH_X32');
  const x86_64 = sections.find((s) => s.audit === AUDIT_ARCH_X86_64);
  if (x32 !== undefined && x86_64 !== undefined) x86_64.x32 = x32;

  const asm = new Assembler();
  asm.load(SECCOMP_DATA_ARCH);
  const starts = sections.map((s) => asm.label(s.abi.name));
  sections.forEach((s, i) => {
    const next = asm.label();
    asm.jump(BPF_JEQ, s.audit, starts[i] ?? next, next);
    asm.place(next);
  });
  asm.ret(BAD_ARCH_ACTION);

  sections.forEach((s, i) => {
    asm.place(starts[i] ?? asm.label());
    asm.load(SECCOMP_DATA_NR);
    const x32Part = asm.label('x32');
    if (s.audit === AUDIT_ARCH_X86_64) {
      const native = asm.label('x86_64');
      asm.jump(BPF_JGE, X32_SYSCALL_BIT, x32Part, native);
      asm.place(native);
    }
    emitDispatch(asm, rulesFor(profile, s.abi), profile.defaultAction, s.abi.wideArgs);
    if (s.audit === AUDIT_ARCH_X86_64) {
      // A still holds nr: every dispatch path ends in ret, and the jge above
      // jumped here without touching A.
      asm.place(x32Part);
      if (s.x32 === undefined) asm.ret(BAD_ARCH_ACTION);
      else emitDispatch(asm, rulesFor(profile, s.x32), profile.defaultAction, s.x32.wideArgs);
    }
  });

  const instructions = asm.assemble();
  if (instructions.length > BPF_MAXINSNS) {
    throw invalidArgument(
      'linux.seccomp',
      `the compiled filter needs ${instructions.length} instructions, more than the kernel allows (${BPF_MAXINSNS})`,
    );
  }
  return { program: encodeProgram(instructions), flags: profile.flags, instructions: instructions.length };
}
