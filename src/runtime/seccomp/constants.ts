/**
 * Kernel numbers the seccomp compiler speaks: classic BPF opcodes
 * (linux/bpf_common.h), seccomp return values (linux/seccomp.h), the layout
 * of `struct seccomp_data`, and audit architecture tokens (linux/audit.h).
 */

// Instruction classes, sizes, modes and operations of classic BPF.
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;

export const BPF_W = 0x00;
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;

export const BPF_K = 0x00;
export const BPF_X = 0x08;
export const BPF_A = 0x10;

export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;

export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;

export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;

/** The kernel refuses longer classic BPF programs (include/uapi/linux/bpf_common.h). */
export const BPF_MAXINSNS = 4096;

/** Conditional jump offsets are u8 fields of struct sock_filter. */
export const BPF_MAX_JUMP = 255;

// Return values. The kernel picks the action from the high 16 bits (the
// "full" mask 0xffff0000 with KILL_PROCESS in bit 31), data from the low 16.
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_KILL_THREAD = 0x00000000;
export const SECCOMP_RET_TRAP = 0x00030000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_USER_NOTIF = 0x7fc00000;
export const SECCOMP_RET_TRACE = 0x7ff00000;
export const SECCOMP_RET_LOG = 0x7ffc0000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const SECCOMP_RET_ACTION_FULL = 0xffff0000;
export const SECCOMP_RET_DATA = 0x0000ffff;

/**
 * struct seccomp_data { int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]; }
 * The kernel fills it in host byte order; every architecture we compile for
 * is little-endian, so the low half of a 64-bit field comes first.
 */
export const SECCOMP_DATA_NR = 0;
export const SECCOMP_DATA_ARCH = 4;
export const SECCOMP_DATA_IP = 8;
export const SECCOMP_DATA_ARGS = 16;
export const SECCOMP_DATA_SIZE = 64;
export const SECCOMP_MAX_ARGS = 6;

export const argLowOffset = (index: number): number => SECCOMP_DATA_ARGS + 8 * index;
export const argHighOffset = (index: number): number => SECCOMP_DATA_ARGS + 8 * index + 4;

// AUDIT_ARCH_* = ELF machine | __AUDIT_ARCH_64BIT (0x80000000) | __AUDIT_ARCH_LE (0x40000000).
export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_I386 = 0x40000003;
export const AUDIT_ARCH_AARCH64 = 0xc00000b7;
export const AUDIT_ARCH_ARM = 0x40000028;

/**
 * x32 syscalls arrive with arch == AUDIT_ARCH_X86_64 and this bit set in nr
 * (arch/x86/include/uapi/asm/unistd.h). A filter that only looks at arch
 * would let x32 callers reach syscalls under numbers it never checked.
 */
export const X32_SYSCALL_BIT = 0x40000000;
