/**
 * Docker's create-time rules for a HostConfig, after its JSON types are
 * known: each check names the field it is about.
 */
import { invalidArgument } from '../../../errors.js';
import { normalizeCapability } from '../../../oci/capabilities.js';
import { at } from '../../../oci/json-check.js';
import type { ContainerConfig } from './container-config.js';
import { checkDeviceMapping, parseDeviceCgroupRule } from './device-rules.js';
import type { HostConfig } from './host-config.js';
import { checkModes } from './modes.js';
import { checkMounts } from './mount-check.js';
import { checkPorts } from './ports.js';
import { checkResources } from './resources-check.js';
import { checkRestartPolicy } from './restart-policy.js';
import { parseSecurityOpts } from './security-opt.js';
import { ulimitsToRlimits } from './ulimits.js';

function checkCapabilities(hc: HostConfig, field: string): void {
  for (const key of ['CapAdd', 'CapDrop'] as const) {
    hc[key]?.forEach((name, i) => {
      const f = at(at(field, key), i);
      try {
        normalizeCapability(name, f);
      } catch {
        throw invalidArgument(f, `invalid ${key}: unknown capability: ${JSON.stringify(name)}`);
      }
    });
  }
}

function checkDevices(hc: HostConfig, field: string): void {
  hc.Devices?.forEach((d, i) => checkDeviceMapping(d, at(at(field, 'Devices'), i)));
  hc.DeviceCgroupRules?.forEach((r, i) => parseDeviceCgroupRule(r, at(at(field, 'DeviceCgroupRules'), i)));
}

export function validateHostConfig(hc: HostConfig, config: ContainerConfig, field = 'HostConfig'): void {
  checkRestartPolicy(hc, field);
  checkModes(hc, config, field);
  checkResources(hc, field);
  checkCapabilities(hc, field);
  parseSecurityOpts(hc.SecurityOpt, at(field, 'SecurityOpt'));
  checkMounts(hc, field);
  checkDevices(hc, field);
  ulimitsToRlimits(hc.Ulimits, at(field, 'Ulimits'));
  checkPorts(config, hc, field);
}
