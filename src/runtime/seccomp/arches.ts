import { SECCOMP_ARCHITECTURES } from '../../oci/validate-seccomp.js';
import { failedPrecondition, invalidArgument } from '../../errors.js';
import { AUDIT_ARCH_AARCH64, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64 } from './constants.js';
import { SYSCALLS_AARCH64 } from './tables/aarch64.js';
import { SYSCALLS_X32 } from './tables/x32.js';
import { SYSCALLS_X86 } from './tables/x86.js';
import { SYSCALLS_X86_64 } from './tables/x86_64.js';

/** One syscall ABI a filter can check: what the kernel puts in seccomp_data.arch and how it numbers syscalls. */
export interface Abi {
  /** libseccomp's name, as OCI profiles spell it. */
  readonly name: string;
  /** seccomp_data.arch for syscalls of this ABI. */
  readonly audit: number;
  readonly syscalls: ReadonlyMap<string, number>;
  /**
   * Whether arguments are compared as 64-bit values. On a 32-bit ABI the
   * kernel only uses the low half of each argument register, but seccomp
   * sees the whole register (an i386 task on an x86_64 kernel can leave
   * anything in the upper half), so only the low half means anything:
   * comparing the high half too would let a caller dodge a rule by setting
   * bits the syscall never looks at. libseccomp does the same.
   */
  readonly wideArgs: boolean;
}

const X86_64: Abi = { name: 'SCMP_ARCH_X86_64', audit: AUDIT_ARCH_X86_64, syscalls: SYSCALLS_X86_64, wideArgs: true };
const X86: Abi = { name: 'SCMP_ARCH_X86', audit: AUDIT_ARCH_I386, syscalls: SYSCALLS_X86, wideArgs: false };
/**
 * x32 shares the x86_64 arch token; its numbers carry X32_SYSCALL_BIT. x32
 * tasks pass full 64-bit registers and many x32 syscalls are the 64-bit
 * implementations, so its arguments are compared as 64-bit values.
 */
const X32: Abi = { name: 'SCMP_ARCH_X32', audit: AUDIT_ARCH_X86_64, syscalls: SYSCALLS_X32, wideArgs: true };
const AARCH64: Abi = { name: 'SCMP_ARCH_AARCH64', audit: AUDIT_ARCH_AARCH64, syscalls: SYSCALLS_AARCH64, wideArgs: true };

/** Every architecture name libseccomp knows; anything else in a profile is a typo. */
const KNOWN_ARCHES: ReadonlySet<string> = new Set(SECCOMP_ARCHITECTURES);

interface Host {
  native: Abi;
  /**
   * The ABIs a task on this host can make syscalls with, native first.
   * A profile naming any other architecture gets no code for it: the
   * kernel can never report it here. SCMP_ARCH_ARM on arm64 is left out
   * for lack of a table, so 32-bit ARM tasks meet the bad-arch action.
   */
  reachable: readonly Abi[];
}

const HOSTS: Readonly<Record<string, Host>> = {
  x64: { native: X86_64, reachable: [X86_64, X86, X32] },
  arm64: { native: AARCH64, reachable: [AARCH64] },
  ia32: { native: X86, reachable: [X86] },
};

/** Node's process.arch names, plus the kernel's (uname -m) for callers that have those. */
const HOST_ALIASES: Readonly<Record<string, string>> = {
  x64: 'x64',
  x86_64: 'x64',
  amd64: 'x64',
  arm64: 'arm64',
  aarch64: 'arm64',
  ia32: 'ia32',
  i386: 'ia32',
  i686: 'ia32',
};

/**
 * The ABIs the filter checks, native first (most syscalls come from it, so
 * it is tested first). The native ABI is always included, listed or not,
 * like libseccomp's filter which starts with the native arch.
 */
export function selectAbis(architectures: readonly unknown[] | undefined, hostArch: string): Abi[] {
  const alias = Object.hasOwn(HOST_ALIASES, hostArch) ? HOST_ALIASES[hostArch] : undefined;
  const host = alias === undefined ? undefined : HOSTS[alias];
  if (host === undefined) {
    throw failedPrecondition('linux.seccomp', `no syscall table for host architecture "${hostArch}"`);
  }
  if (architectures !== undefined && !Array.isArray(architectures)) {
    throw invalidArgument('linux.seccomp.architectures', 'must be a list of architecture names');
  }
  const wanted = new Set<string>([host.native.name]);
  (architectures ?? []).forEach((name, i) => {
    if (typeof name !== 'string' || !KNOWN_ARCHES.has(name)) {
      throw invalidArgument(`linux.seccomp.architectures[${i}]`, `unknown architecture ${JSON.stringify(name)}`);
    }
    wanted.add(name === 'SCMP_ARCH_NATIVE' ? host.native.name : name);
  });
  return host.reachable.filter((abi) => wanted.has(abi.name));
}
