/**
 * A container's configuration as the Docker Engine API carries it: the
 * create request, checked and typed, and the image's defaults merged in.
 */
export type { ContainerConfig, EmptyObject, HealthConfig } from './container-config.js';
export { parseContainerConfig } from './container-config.js';
export type {
  BindOptions,
  DeviceMapping,
  HostConfig,
  LogConfig,
  MountSpec,
  MountType,
  PortBinding,
  RestartPolicy,
  RestartPolicyName,
  ThrottleDevice,
  TmpfsOptions,
  Ulimit,
  VolumeOptions,
  WeightDevice,
} from './host-config.js';
export type { EndpointSettings, NetworkingConfig } from './networking-config.js';
export { checkName, parseCreateRequest, type CreateQuery, type CreateRequest } from './create-request.js';
export { mergeImageConfig } from './merge-image-config.js';
export { parseBind, type BindSpec } from './binds.js';
export { isRestartPolicyNone } from './restart-policy.js';
export { parseSecurityOpts, type SeccompChoice, type SecurityOptions } from './security-opt.js';
export type { DockerSeccompProfile, DockerSyscallRule, ProfileFilter } from './seccomp-profile.js';
export { parseSignal, SIGNALS } from './signals.js';
export { mergeTmpfsOptions, tmpfsDataFromMount, tmpfsMountOptions, TMPFS_DEFAULT_OPTIONS } from './tmpfs-options.js';
export { parseDeviceCgroupRule } from './device-rules.js';
export { ulimitsToRlimits } from './ulimits.js';
export { sharedContainer } from './modes.js';
