/**
 * A container's OCI runtime spec, built from its Docker configuration as
 * dockerd builds it, and the look-ups on the rootfs and the host it needs
 * first (users, devices).
 */
export { buildSpec, OCI_VERSION } from './build-spec.js';
export type { JoinedNamespaces, NetworkNamespace, ResolvedBlkio, ResolvedDevice, ResolvedUser, SpecFiles, SpecInput } from './spec-input.js';
export { resolveUser, readRootfsFile } from './resolve-user.js';
export { execUser, additionalGroups, parseGroup, parsePasswd } from './passwd.js';
export { hostDevices, resolveBlkioDevices, resolveDevice, resolveDevices } from './host-devices.js';
export { tweakCapabilities } from './capabilities.js';
export { containerEnv, DEFAULT_PATH, replaceOrAppendEnv } from './env.js';
export { DEFAULT_SHM_SIZE } from './mounts.js';
export { INIT_PATH_IN_CONTAINER } from './process.js';
export { profileToOci } from './seccomp.js';
export { DEFAULT_NETWORK_SYSCTLS } from './sysctls.js';
