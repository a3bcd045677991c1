/**
 * The container's namespaces, as moby's WithNamespaces chooses them: its own
 * pid, ipc, uts and mount namespaces unless HostConfig shares the host's or
 * another container's; the network namespace the caller prepared; a cgroup
 * namespace where Docker gives one (by default on cgroup v2 hosts).
 */
import { failedPrecondition } from '../../../errors.js';
import type { Namespace } from '../../../oci/spec.js';
import { sharedContainer } from '../config/index.js';
import type { SpecInput } from './spec-input.js';

function joined(input: SpecInput, type: 'ipc' | 'pid', mode: string): Namespace {
  const path = input.joined?.[type]?.path;
  if (!path) {
    const key = type === 'ipc' ? 'IpcMode' : 'PidMode';
    throw failedPrecondition(`HostConfig.${key}`, `the namespace of container ${sharedContainer(mode)} was not resolved (is it running?)`);
  }
  return { type, path };
}

function network(input: SpecInput): Namespace | undefined {
  const net = input.network;
  if (net.mode === 'host') return undefined;
  if (net.mode === 'path') return { type: 'network', path: net.path };
  return { type: 'network' };
}

/** Whether the container gets a cgroup namespace of its own. */
export function privateCgroupns(input: SpecInput): boolean {
  const mode = input.hostConfig.CgroupnsMode ?? '';
  return mode === '' ? input.cgroupnsPrivate : mode === 'private';
}

export function buildNamespaces(input: SpecInput): Namespace[] {
  const hc = input.hostConfig;
  const pid = hc.PidMode ?? '';
  const ipc = hc.IpcMode ?? '';
  const out: (Namespace | undefined)[] = [
    pid === 'host' ? undefined : sharedContainer(pid) !== undefined ? joined(input, 'pid', pid) : { type: 'pid' },
    network(input),
    ipc === 'host' ? undefined : sharedContainer(ipc) !== undefined ? joined(input, 'ipc', ipc) : { type: 'ipc' },
    hc.UTSMode === 'host' ? undefined : { type: 'uts' },
    { type: 'mount' },
    privateCgroupns(input) ? { type: 'cgroup' } : undefined,
  ];
  return out.filter((n): n is Namespace => n !== undefined);
}
