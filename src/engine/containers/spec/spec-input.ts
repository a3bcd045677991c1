/**
 * What buildSpec needs besides the container's configuration: everything
 * that takes a look at the host or the rootfs (users, device numbers, mount
 * sources, the network namespace) is resolved by the caller first, so that
 * building the spec is pure and the same input always gives the same spec.
 */
import type { BlockIO, Device, Mount } from '../../../oci/spec.js';
import type { DockerSeccompOptions } from '../../../oci/seccomp-default.js';
import type { ContainerConfig, HostConfig } from '../config/index.js';

/**
 * The network namespace: a new one ("none": only loopback; "new": the
 * network code configures it later), the host's, or an existing one to join
 * (a bridge endpoint prepared by the network code).
 */
export type NetworkNamespace = { mode: 'none' | 'new' } | { mode: 'host' } | { mode: 'path'; path: string };

/** Host paths of the files Docker bind-mounts over the image's /etc ones. */
export interface SpecFiles {
  hosts?: string;
  hostname?: string;
  resolvConf?: string;
}

/** The process's identity, from resolveUser. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  /** Docker's order: the primary gid, the user's other groups, then GroupAdd */
  additionalGids: number[];
}

/** A host device as the container gets it (from resolveDevices): its node and its cgroup access. */
export interface ResolvedDevice extends Device {
  /** "rwm" when absent */
  permissions?: string;
}

/** Block-device limits with the devices' numbers (from resolveBlkioDevices). */
export type ResolvedBlkio = Pick<
  BlockIO,
  'weightDevice' | 'throttleReadBpsDevice' | 'throttleWriteBpsDevice' | 'throttleReadIOPSDevice' | 'throttleWriteIOPSDevice'
>;

/** Namespaces of another container, for IpcMode/PidMode "container:<id>". */
export interface JoinedNamespaces {
  /** the ipc namespace file (/proc/<pid>/ns/ipc) and, if it has one, that container's /dev/shm on the host */
  ipc?: { path: string; shmPath?: string };
  /** the pid namespace file (/proc/<pid>/ns/pid) */
  pid?: { path: string };
}

export interface SpecInput {
  /** the container id; its first 12 characters are the default hostname */
  id: string;
  /** the config merged with the image's (mergeImageConfig) */
  config: ContainerConfig;
  hostConfig: HostConfig;
  /** host path of the mounted root filesystem */
  rootfs: string;
  files?: SpecFiles;
  /**
   * The user's binds and volumes as OCI mounts, sources resolved on the host
   * (`{destination, type: "bind", source, options: ["rbind", "ro", …]}`).
   * tmpfs mounts of HostConfig.Tmpfs and HostConfig.Mounts are built here.
   */
  mounts?: Mount[];
  user: ResolvedUser;
  network: NetworkNamespace;
  /** linux.cgroupsPath, e.g. "berth/<id>" */
  cgroupsPath: string;
  /** the host's default when HostConfig.CgroupnsMode is empty: true on cgroup v2, false on v1 */
  cgroupnsPrivate: boolean;
  /** host path of a static init (docker-init, tini) for HostConfig.Init */
  initPath?: string;
  /** HostConfig.Devices (for a privileged container: all of the host's) with their numbers */
  devices?: ResolvedDevice[];
  /** required when HostConfig has BlkioWeightDevice or BlkioDevice* entries */
  blkioDevices?: ResolvedBlkio;
  /** required for IpcMode/PidMode "container:<id>" */
  joined?: JoinedNamespaces;
  /** the host's architecture and kernel, for seccomp rules that depend on them (default: this host's arch, any kernel) */
  seccompHost?: DockerSeccompOptions;
  /**
   * The capabilities the daemon itself holds (its bounding set): what
   * --privileged and --cap-add ALL grant. A capability outside it cannot be
   * given (capset fails with EPERM), as on hosts without CAP_SYS_RESOURCE.
   * Default: every capability the kernel knows.
   */
  hostCapabilities?: readonly string[];
}
