// A SpecInput for the spec tests: alpine's "sh" as root, a new network namespace, cgroup v2 defaults.
import { validateSpec } from '../../../oci/validate.js';
import type { Spec } from '../../../oci/spec.js';
import type { ContainerConfig, HostConfig } from '../config/index.js';
import { buildSpec } from './build-spec.js';
import type { SpecInput } from './spec-input.js';

export const ID = '0123456789abcdef'.repeat(4);

export function specInput(over: Partial<SpecInput> = {}): SpecInput {
  return {
    id: ID,
    config: { Image: 'alpine', Cmd: ['sh'] },
    hostConfig: {},
    rootfs: '/var/lib/berth/containers/x/rootfs',
    files: { hosts: '/run/c/hosts', hostname: '/run/c/hostname', resolvConf: '/run/c/resolv.conf' },
    mounts: [],
    user: { uid: 0, gid: 0, additionalGids: [0] },
    network: { mode: 'new' },
    cgroupsPath: 'berth/x',
    cgroupnsPrivate: true,
    seccompHost: { arch: 'amd64' },
    ...over,
  };
}

/** The spec for this host config (and config), checked by the OCI validator. */
export function specFor(hostConfig: HostConfig, config: ContainerConfig = { Cmd: ['sh'] }, over: Partial<SpecInput> = {}): Spec {
  return validateSpec(buildSpec(specInput({ hostConfig, config, ...over })));
}
