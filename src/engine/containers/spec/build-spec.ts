/**
 * A container's OCI runtime spec from its Docker configuration, as dockerd
 * builds it (moby's daemon/oci_linux.go on top of oci/defaults.go). Pure:
 * everything taken from the host or the rootfs arrives resolved in the
 * input (spec-input.ts), so the same input always gives the same spec.
 */
import { DEFAULT_DEVICES, DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../../../oci/defaults.js';
import type { Device, Linux, Spec } from '../../../oci/spec.js';
import { parseSecurityOpts } from '../config/index.js';
import { tweakCapabilities } from './capabilities.js';
import { buildMounts } from './mounts.js';
import { buildNamespaces } from './namespaces.js';
import { buildProcess } from './process.js';
import { buildResources } from './resources.js';
import { buildSeccomp, hostSeccompOptions } from './seccomp.js';
import type { SpecInput } from './spec-input.js';
import { buildSysctls } from './sysctls.js';

export const OCI_VERSION = '1.0.2-dev';

/** The default nodes, then the caller's resolved devices (a later one at the same path wins). */
function devices(input: SpecInput): Device[] {
  const byPath = new Map<string, Device>();
  for (const d of [...DEFAULT_DEVICES, ...(input.devices ?? [])]) {
    const node: Device & { permissions?: string } = structuredClone(d);
    delete node.permissions;
    byPath.set(node.path, node);
  }
  return [...byPath.values()];
}

/** Docker's masked and read-only paths; a privileged container has none unless the user lists some. */
function paths(input: SpecInput): Pick<Linux, 'maskedPaths' | 'readonlyPaths'> {
  const hc = input.hostConfig;
  const privileged = hc.Privileged === true;
  return {
    maskedPaths: [...(hc.MaskedPaths ?? (privileged ? [] : DEFAULT_MASKED_PATHS))],
    readonlyPaths: [...(hc.ReadonlyPaths ?? (privileged ? [] : DEFAULT_READONLY_PATHS))],
  };
}

export function buildSpec(input: SpecInput): Spec {
  const { config, hostConfig: hc } = input;
  const security = parseSecurityOpts(hc.SecurityOpt);
  const caps = tweakCapabilities(hc, input.hostCapabilities);
  const hostname = config.Hostname || input.id.slice(0, 12);
  const namespaces = buildNamespaces(input);
  const ownUts = namespaces.some((n) => n.type === 'uts');

  const linux: Linux = {
    namespaces,
    devices: devices(input),
    cgroupsPath: input.cgroupsPath,
    resources: buildResources(input),
    sysctl: buildSysctls(input),
    ...paths(input),
  };
  const seccomp = buildSeccomp(hc.Privileged === true, security, caps, hostSeccompOptions(input.seccompHost));
  if (seccomp) linux.seccomp = seccomp;

  const spec: Spec = {
    ociVersion: OCI_VERSION,
    process: buildProcess(input, hostname, caps, security),
    root: { path: input.rootfs, readonly: hc.ReadonlyRootfs === true },
    mounts: buildMounts(input, security.writableCgroups),
    linux,
  };
  // In the host's uts namespace the hostname is the host's own.
  if (ownUts) spec.hostname = hostname;
  if (ownUts && config.Domainname) spec.domainname = config.Domainname;
  if (hc.Annotations && Object.keys(hc.Annotations).length > 0) spec.annotations = { ...hc.Annotations };
  return spec;
}
