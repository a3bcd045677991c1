import { DEFAULT_DEVICE_CGROUP_RULES } from '../../oci/defaults.js';
import type { DeviceCgroupRule, Resources, Spec } from '../../oci/spec.js';

/**
 * The device cgroup rules a container really gets: the spec's own rules,
 * then (as runc does) access to the default devices the runtime always
 * creates and to the spec's `linux.devices`. `runc spec` writes a single
 * "deny all" rule and relies on this, so without it even creating
 * /dev/null fails with EPERM.
 */
export function effectiveResources(spec: Spec): Resources | undefined {
  const resources = spec.linux?.resources;
  if (!resources?.devices) return resources;
  const defaults = DEFAULT_DEVICE_CGROUP_RULES.filter((r) => r.allow);
  const specDevices: DeviceCgroupRule[] = (spec.linux?.devices ?? [])
    .filter((d) => d.type === 'c' || d.type === 'b')
    .map((d) => ({ allow: true, type: d.type as 'c' | 'b', major: d.major ?? null, minor: d.minor ?? null, access: 'rwm' }));
  return { ...resources, devices: [...resources.devices, ...defaults.map((r) => ({ ...r })), ...specDevices] };
}
