/**
 * The host half of `POST /containers/create` (Docker's `HostConfig`): how the
 * container is isolated, limited and wired to the host. Field names and
 * meanings follow the Docker Engine API (1.41–1.44); every field is optional
 * and absent means Docker's default.
 */

export type RestartPolicyName = '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface RestartPolicy {
  Name?: RestartPolicyName;
  /** only with "on-failure"; 0 = no limit */
  MaximumRetryCount?: number;
}

/** `--device /dev/x[:/dev/y[:rwm]]` */
export interface DeviceMapping {
  PathOnHost?: string;
  PathInContainer?: string;
  /** "r", "w" and "m" in any combination; "rwm" when absent */
  CgroupPermissions?: string;
}

/** `--device-read-bps /dev/sda:1mb` and friends: a rate per second for one block device. */
export interface ThrottleDevice {
  Path?: string;
  Rate?: number;
}

export interface WeightDevice {
  Path?: string;
  Weight?: number;
}

/** `--ulimit nofile=1024:2048`; -1 is unlimited */
export interface Ulimit {
  Name?: string;
  Soft?: number;
  Hard?: number;
}

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

export interface LogConfig {
  Type?: string;
  Config?: Record<string, string>;
}

export type MountType = 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';

export interface BindOptions {
  Propagation?: string;
  NonRecursive?: boolean;
  CreateMountpoint?: boolean;
  ReadOnlyNonRecursive?: boolean;
  ReadOnlyForceRecursive?: boolean;
}

export interface VolumeOptions {
  NoCopy?: boolean;
  Labels?: Record<string, string>;
  DriverConfig?: { Name?: string; Options?: Record<string, string> };
  Subpath?: string;
}

export interface TmpfsOptions {
  SizeBytes?: number;
  /** file mode bits, as a number (0o1777 is 1023) */
  Mode?: number;
  /** extra options, each ["name"] or ["name", "value"] */
  Options?: string[][];
}

/** `--mount type=…` */
export interface MountSpec {
  Type?: MountType;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: BindOptions;
  VolumeOptions?: VolumeOptions;
  TmpfsOptions?: TmpfsOptions;
}

export interface HostConfig {
  /** `-v src:dst[:mode]` */
  Binds?: string[];
  Mounts?: MountSpec[];
  /** destination → tmpfs options ("size=64m,exec") */
  Tmpfs?: Record<string, string>;
  ReadonlyRootfs?: boolean;
  CapAdd?: string[];
  CapDrop?: string[];
  Privileged?: boolean;
  /** "no-new-privileges", "seccomp=unconfined", "seccomp=<profile JSON>", "apparmor=…", "label=…" */
  SecurityOpt?: string[];

  /** bytes; 0 = unlimited */
  Memory?: number;
  /** memory + swap in bytes; -1 = unlimited swap, 0 = twice Memory */
  MemorySwap?: number;
  MemoryReservation?: number;
  /** 0–100; -1 = the host's default */
  MemorySwappiness?: number;
  /** CPUs in billionths (1.5 CPUs = 1500000000) */
  NanoCpus?: number;
  CpuShares?: number;
  /** microseconds */
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  /** 0 or -1 = unlimited */
  PidsLimit?: number;
  /** 10–1000; 0 = unset */
  BlkioWeight?: number;
  BlkioWeightDevice?: WeightDevice[];
  BlkioDeviceReadBps?: ThrottleDevice[];
  BlkioDeviceWriteBps?: ThrottleDevice[];
  BlkioDeviceReadIOps?: ThrottleDevice[];
  BlkioDeviceWriteIOps?: ThrottleDevice[];
  Ulimits?: Ulimit[];
  OomKillDisable?: boolean;
  /** -1000–1000 */
  OomScoreAdj?: number;
  /** bytes of /dev/shm; 0 = 64 MiB */
  ShmSize?: number;
  Devices?: DeviceMapping[];
  /** "c 1:3 rwm", "b 8:* r", "a *:* m" */
  DeviceCgroupRules?: string[];

  /** run an init (tini) as pid 1 */
  Init?: boolean;
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;

  NetworkMode?: string;
  /** "80/tcp" → bindings */
  PortBindings?: Record<string, PortBinding[]>;
  PublishAllPorts?: boolean;
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  /** "name:ip" */
  ExtraHosts?: string[];
  LogConfig?: LogConfig;
  Sysctls?: Record<string, string>;
  /** group names or gids added to the process */
  GroupAdd?: string[];
  /** "", "private", "shareable", "none", "host", "container:<id>" */
  IpcMode?: string;
  /** "", "host", "container:<id>" */
  PidMode?: string;
  /** "", "host" */
  UTSMode?: string;
  /** "", "host" */
  UsernsMode?: string;
  /** "", "private", "host" */
  CgroupnsMode?: string;
  CgroupParent?: string;
  /** "container[:ro|rw]" */
  VolumesFrom?: string[];
  /** [height, width] of the tty */
  ConsoleSize?: [number, number];
  Runtime?: string;
  Isolation?: string;
  MaskedPaths?: string[];
  ReadonlyPaths?: string[];
  /** OCI annotations for the runtime */
  Annotations?: Record<string, string>;
}
