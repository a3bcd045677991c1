/**
 * `--device` mappings and `--device-cgroup-rule` strings as Docker reads
 * them. A rule is "type major:minor access": "c 1:3 mr", "b 8:* rw",
 * "a *:* m"; "*" matches any number.
 */
import { invalidArgument } from '../../../errors.js';
import type { DeviceCgroupRule } from '../../../oci/spec.js';
import { at } from '../../../oci/json-check.js';
import type { DeviceMapping } from './host-config.js';

const RULE = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/;

/** One `--device-cgroup-rule` as an allow rule of the device cgroup. */
export function parseDeviceCgroupRule(rule: string, field: string): DeviceCgroupRule {
  const m = RULE.exec(rule);
  if (!m) throw invalidArgument(field, `invalid device cgroup rule format: '${rule}'`);
  const num = (s: string) => (s === '*' ? null : Number(s));
  return { allow: true, type: m[1] as 'a' | 'c' | 'b', major: num(m[2] as string), minor: num(m[3] as string), access: m[4] as string };
}

/** r, w and m, each at most once (Docker's validDeviceMode). */
export function isDeviceMode(mode: string): boolean {
  return mode !== '' && /^[rwm]+$/.test(mode) && new Set(mode).size === mode.length;
}

export function checkDeviceMapping(d: DeviceMapping, field: string): void {
  if (!d.PathOnHost) throw invalidArgument(at(field, 'PathOnHost'), 'is required');
  if (d.PathInContainer && !d.PathInContainer.startsWith('/')) {
    throw invalidArgument(at(field, 'PathInContainer'), `${d.PathInContainer} is not an absolute path`);
  }
  const mode = d.CgroupPermissions ?? 'rwm';
  if (!isDeviceMode(mode)) throw invalidArgument(at(field, 'CgroupPermissions'), `invalid device mode: ${mode}`);
}
