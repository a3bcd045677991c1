/**
 * `linux.seccomp` as dockerd picks it (WithSeccomp): none for a privileged
 * container or `seccomp=unconfined`, Docker's default profile for the
 * container's capabilities, or the user's profile in Docker's format made
 * into its OCI form the way moby's setupSeccomp does it (rules kept or
 * dropped by capability, architecture and kernel version).
 */
import { invalidArgument } from '../../../errors.js';
import { PROFILE_ARCH_BY_NODE_ARCH, type DockerSeccompOptions, dockerDefaultSeccomp } from '../../../oci/seccomp-default.js';
import type { Seccomp, SeccompSyscall } from '../../../oci/spec.js';
import { validateSeccomp } from '../../../oci/validate-seccomp.js';
import type { DockerSeccompProfile, DockerSyscallRule, ProfileFilter, SecurityOptions } from '../config/index.js';

/** Profile (Go) arch name → the libseccomp name an archMap entry is keyed by. */
const NATIVE_SCMP_ARCH: Readonly<Record<string, string>> = {
  amd64: 'SCMP_ARCH_X86_64',
  x86: 'SCMP_ARCH_X86',
  arm: 'SCMP_ARCH_ARM',
  arm64: 'SCMP_ARCH_AARCH64',
  ppc64le: 'SCMP_ARCH_PPC64LE',
  s390: 'SCMP_ARCH_S390',
  s390x: 'SCMP_ARCH_S390X',
  riscv64: 'SCMP_ARCH_RISCV64',
  mips64: 'SCMP_ARCH_MIPS64',
  mips64le: 'SCMP_ARCH_MIPSEL64',
};

export function hostSeccompOptions(given?: DockerSeccompOptions): DockerSeccompOptions {
  return { arch: PROFILE_ARCH_BY_NODE_ARCH[process.arch] ?? 'amd64', ...given };
}

/** "4.8" ≤ the host's kernel; an unknown kernel counts as new enough, as with the default profile. */
function kernelAtLeast(min: string, host: DockerSeccompOptions, field: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(min);
  if (!m) throw invalidArgument(field, `invalid kernel version ${JSON.stringify(min)} (want "major.minor")`);
  const k = host.kernel;
  if (!k) return true;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return k.major > major || (k.major === major && k.minor >= minor);
}

function keeps(rule: DockerSyscallRule, caps: ReadonlySet<string>, host: DockerSeccompOptions, field: string): boolean {
  const arch = host.arch ?? 'amd64';
  const exc: ProfileFilter = rule.excludes ?? {};
  const inc: ProfileFilter = rule.includes ?? {};
  if (exc.arches?.includes(arch)) return false;
  if (exc.caps?.some((c) => caps.has(c))) return false;
  if (exc.minKernel && kernelAtLeast(exc.minKernel, host, field)) return false;
  if (inc.arches && inc.arches.length > 0 && !inc.arches.includes(arch)) return false;
  if (inc.caps?.some((c) => !caps.has(c))) return false;
  if (inc.minKernel && !kernelAtLeast(inc.minKernel, host, field)) return false;
  return true;
}

/** A Docker-format profile for a container with these capabilities; undefined when it asks for no filter. */
export function profileToOci(p: DockerSeccompProfile, caps: readonly string[], host: DockerSeccompOptions, field: string): Seccomp | undefined {
  // moby: no default action and no rules means seccomp is disabled.
  if (!p.defaultAction && (p.syscalls?.length ?? 0) === 0) return undefined;
  const out: Seccomp = { defaultAction: p.defaultAction ?? ('' as Seccomp['defaultAction']) };
  if (p.defaultErrnoRet !== undefined) out.defaultErrnoRet = p.defaultErrnoRet;
  const native = NATIVE_SCMP_ARCH[host.arch ?? 'amd64'];
  const mapped = p.archMap?.find((a) => a.architecture === native);
  const architectures = [...(p.architectures ?? []), ...(mapped ? [mapped.architecture, ...(mapped.subArchitectures ?? [])] : [])];
  if (architectures.length > 0) out.architectures = architectures;
  if (p.flags) out.flags = [...p.flags];
  if (p.listenerPath) out.listenerPath = p.listenerPath;
  if (p.listenerMetadata) out.listenerMetadata = p.listenerMetadata;
  const set = new Set(caps);
  out.syscalls = (p.syscalls ?? []).flatMap((rule, i): SeccompSyscall[] => {
    if (!keeps(rule, set, host, `${field}.syscalls[${i}]`)) return [];
    const call: SeccompSyscall = { names: rule.name ? [rule.name] : [...(rule.names ?? [])], action: rule.action };
    if (rule.errnoRet !== undefined) call.errnoRet = rule.errnoRet;
    if (rule.args && rule.args.length > 0) call.args = rule.args.map((a) => ({ ...a }));
    return [call];
  });
  // Unknown actions, operators or architectures are the user's mistake: say so now, naming the option.
  validateSeccomp(out, field);
  return out;
}

export function buildSeccomp(privileged: boolean, security: SecurityOptions, caps: readonly string[], host: DockerSeccompOptions): Seccomp | undefined {
  if (privileged || security.seccomp.kind === 'unconfined') return undefined;
  if (security.seccomp.kind === 'default') return dockerDefaultSeccomp(caps, host);
  return profileToOci(security.seccomp.profile, caps, host, 'HostConfig.SecurityOpt (seccomp profile)');
}
