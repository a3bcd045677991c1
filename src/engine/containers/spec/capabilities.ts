/**
 * The container's capability set, as moby's TweakCapabilities makes it from
 * Docker's defaults, CapAdd and CapDrop: names with or without "CAP_", any
 * case; "ALL" in CapAdd means every capability but the dropped ones, "ALL"
 * in CapDrop means only the added ones; privileged means all of them (all the daemon holds).
 */
import { ALL_CAPABILITIES, normalizeCapability } from '../../../oci/capabilities.js';
import { DEFAULT_CAPABILITIES } from '../../../oci/defaults.js';
import type { Capabilities } from '../../../oci/spec.js';
import type { HostConfig } from '../config/index.js';

function normalize(names: readonly string[] | undefined, field: string): string[] {
  return (names ?? []).map((n, i) => normalizeCapability(n, `${field}[${i}]`));
}

export function tweakCapabilities(hc: HostConfig, all: readonly string[] = ALL_CAPABILITIES): string[] {
  if (hc.Privileged === true) return [...all];
  const add = normalize(hc.CapAdd, 'HostConfig.CapAdd');
  const drop = normalize(hc.CapDrop, 'HostConfig.CapDrop');
  let caps: string[];
  if (add.includes('ALL')) caps = all.filter((c) => !drop.includes(c));
  else if (drop.includes('ALL')) caps = add;
  else caps = [...DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c)), ...add];
  // Adding a capability the defaults already hold must not list it twice.
  return [...new Set(caps)];
}

/** Docker gives the same set as bounding, effective and permitted; none inheritable (CVE-2022-24769). */
export function capabilitySets(caps: readonly string[]): Capabilities {
  return { bounding: [...caps], effective: [...caps], permitted: [...caps] };
}
