/**
 * `HostConfig` of a create body: the JSON types of every field, then
 * Docker's rules (validate-host-config.ts).
 */
import { invalidArgument } from '../../../errors.js';
import { at, expectArray, expectBoolean, expectObject, expectString, type JsonObject } from '../../../oci/json-check.js';
import { arrayOf, type Check, type Checks, int, mapOf, nonNegative, objectOf, oneOf, readFields, stringArray, stringMap } from './fields.js';
import type { BindOptions, DeviceMapping, HostConfig, LogConfig, MountSpec, MountType, PortBinding, RestartPolicy, RestartPolicyName, ThrottleDevice, TmpfsOptions, Ulimit, VolumeOptions, WeightDevice } from './host-config.js';

const RESTART_POLICIES: readonly RestartPolicyName[] = ['', 'no', 'always', 'unless-stopped', 'on-failure'];
const MOUNT_TYPES: readonly MountType[] = ['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image'];

const consoleSize: Check<[number, number]> = (v, field) => {
  const a = expectArray(v, field);
  if (a.length !== 2) throw invalidArgument(field, `must be [height, width], got ${a.length} numbers`);
  return [nonNegative(a[0], at(field, 0)), nonNegative(a[1], at(field, 1))];
};

const restartPolicy = objectOf<RestartPolicy>({
  Name: (v, f) => {
    const s = expectString(v, f);
    // Docker names the allowed policies in its own words.
    if (!(RESTART_POLICIES as readonly string[]).includes(s)) {
      throw invalidArgument(f, `invalid restart policy: unknown policy '${s}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
    }
    return s as RestartPolicyName;
  },
  MaximumRetryCount: int,
});

const deviceMapping = objectOf<DeviceMapping>({ PathOnHost: expectString, PathInContainer: expectString, CgroupPermissions: expectString });
const throttleDevice = objectOf<ThrottleDevice>({ Path: expectString, Rate: nonNegative });
const weightDevice = objectOf<WeightDevice>({ Path: expectString, Weight: nonNegative });
const ulimit = objectOf<Ulimit>({ Name: expectString, Soft: int, Hard: int });
const portBinding = objectOf<PortBinding>({ HostIp: expectString, HostPort: expectString });
const logConfig = objectOf<LogConfig>({ Type: expectString, Config: stringMap });

const mountSpec = objectOf<MountSpec>({
  Type: oneOf(MOUNT_TYPES, 'mount type'),
  Source: expectString,
  Target: expectString,
  ReadOnly: expectBoolean,
  Consistency: expectString,
  BindOptions: objectOf<BindOptions>({
    Propagation: expectString,
    NonRecursive: expectBoolean,
    CreateMountpoint: expectBoolean,
    ReadOnlyNonRecursive: expectBoolean,
    ReadOnlyForceRecursive: expectBoolean,
  }),
  VolumeOptions: objectOf<VolumeOptions>({
    NoCopy: expectBoolean,
    Labels: stringMap,
    DriverConfig: objectOf({ Name: expectString, Options: stringMap }),
    Subpath: expectString,
  }),
  TmpfsOptions: objectOf<TmpfsOptions>({ SizeBytes: nonNegative, Mode: nonNegative, Options: arrayOf(stringArray) }),
});

export const HOST_CONFIG: Checks<HostConfig> = {
  Binds: stringArray,
  Mounts: arrayOf(mountSpec),
  Tmpfs: stringMap,
  ReadonlyRootfs: expectBoolean,
  CapAdd: stringArray,
  CapDrop: stringArray,
  Privileged: expectBoolean,
  SecurityOpt: stringArray,
  Memory: int,
  MemorySwap: int,
  MemoryReservation: int,
  MemorySwappiness: int,
  NanoCpus: int,
  CpuShares: int,
  CpuPeriod: int,
  CpuQuota: int,
  CpusetCpus: expectString,
  CpusetMems: expectString,
  PidsLimit: int,
  BlkioWeight: nonNegative,
  BlkioWeightDevice: arrayOf(weightDevice),
  BlkioDeviceReadBps: arrayOf(throttleDevice),
  BlkioDeviceWriteBps: arrayOf(throttleDevice),
  BlkioDeviceReadIOps: arrayOf(throttleDevice),
  BlkioDeviceWriteIOps: arrayOf(throttleDevice),
  Ulimits: arrayOf(ulimit),
  OomKillDisable: expectBoolean,
  OomScoreAdj: int,
  ShmSize: int,
  Devices: arrayOf(deviceMapping),
  DeviceCgroupRules: stringArray,
  Init: expectBoolean,
  RestartPolicy: restartPolicy,
  AutoRemove: expectBoolean,
  NetworkMode: expectString,
  PortBindings: mapOf(arrayOf(portBinding)),
  PublishAllPorts: expectBoolean,
  Dns: stringArray,
  DnsSearch: stringArray,
  DnsOptions: stringArray,
  ExtraHosts: stringArray,
  LogConfig: logConfig,
  Sysctls: stringMap,
  GroupAdd: stringArray,
  IpcMode: expectString,
  PidMode: expectString,
  UTSMode: expectString,
  UsernsMode: expectString,
  CgroupnsMode: expectString,
  CgroupParent: expectString,
  VolumesFrom: stringArray,
  ConsoleSize: consoleSize,
  Runtime: expectString,
  Isolation: expectString,
  MaskedPaths: stringArray,
  ReadonlyPaths: stringArray,
  Annotations: stringMap,
};

/** The JSON types of a HostConfig object at `field` ("HostConfig"); Docker's rules are checked separately. */
export function readHostConfig(v: unknown, field = 'HostConfig'): HostConfig {
  return readFields(expectObject(v, field) as JsonObject, field, HOST_CONFIG);
}
