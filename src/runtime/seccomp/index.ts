/**
 * The seccomp compiler: OCI seccomp profile -> classic BPF program for
 * seccomp(2), with runc/libseccomp semantics. Pure computation; the C core
 * installs the program.
 */
export { compileSeccomp, BAD_ARCH_ACTION, type CompiledSeccomp } from './compile.js';
export { seccompFlags, SECCOMP_FILTER_FLAGS } from './flags.js';
export { describeAction, DEFAULT_ERRNO } from './actions.js';
