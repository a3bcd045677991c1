/**
 * The namespace modes, runtime and isolation of a create request. berth
 * refuses, in plain words, what it cannot honour: a container that silently
 * ran with less isolation (or different sharing) than asked for would be
 * worse than an error.
 */
import { invalidArgument } from '../../../errors.js';
import { at } from '../../../oci/json-check.js';
import type { ContainerConfig } from './container-config.js';
import type { HostConfig } from './host-config.js';

/** The fixed network modes; anything else must be container:<name|id> or a network's name (checked by the engine). */
export const SUPPORTED_NETWORK_MODES: readonly string[] = ['', 'default', 'none', 'host', 'bridge'];
const NETWORK_NAME = /^(container:)?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const SUPPORTED_RUNTIMES: readonly string[] = ['', 'berth', 'runc'];
export const SUPPORTED_ISOLATIONS: readonly string[] = ['', 'default', 'container'];

/** "container:<name or id>" → the name or id; undefined for any other mode. */
export function sharedContainer(mode: string | undefined): string | undefined {
  return mode?.startsWith('container:') ? mode.slice('container:'.length) : undefined;
}

const validShared = (mode: string) => sharedContainer(mode) !== undefined && sharedContainer(mode) !== '';

function checkNamespaceModes(hc: HostConfig, field: string): void {
  const fail = (key: keyof HostConfig, detail: string) => {
    throw invalidArgument(at(field, key), detail);
  };
  const ipc = hc.IpcMode ?? '';
  if (!['', 'private', 'shareable', 'none', 'host'].includes(ipc) && !validShared(ipc)) fail('IpcMode', `invalid IPC mode: ${ipc}`);
  const pid = hc.PidMode ?? '';
  if (!['', 'host'].includes(pid) && !validShared(pid)) fail('PidMode', `invalid PID mode: ${pid}`);
  const uts = hc.UTSMode ?? '';
  if (!['', 'host'].includes(uts)) fail('UTSMode', `invalid UTS mode: ${uts}`);
  const userns = hc.UsernsMode ?? '';
  if (!['', 'host'].includes(userns)) {
    fail('UsernsMode', `user namespace mode ${JSON.stringify(userns)} is not supported; berth runs containers in the host's user namespace`);
  }
  const cgroupns = hc.CgroupnsMode ?? '';
  if (!['', 'private', 'host'].includes(cgroupns)) fail('CgroupnsMode', `invalid cgroup namespace mode: ${cgroupns}`);
  const net = hc.NetworkMode ?? '';
  if (!SUPPORTED_NETWORK_MODES.includes(net) && !NETWORK_NAME.test(net)) {
    fail('NetworkMode', `invalid network mode ${JSON.stringify(net)}: use "bridge", "host", "none", "container:<name|id>" or a network's name`);
  }
}

export function checkModes(hc: HostConfig, config: ContainerConfig, field = 'HostConfig'): void {
  checkNamespaceModes(hc, field);
  const runtime = hc.Runtime ?? '';
  if (!SUPPORTED_RUNTIMES.includes(runtime)) throw invalidArgument(at(field, 'Runtime'), `unknown or invalid runtime name: ${runtime}`);
  const isolation = hc.Isolation ?? '';
  if (!SUPPORTED_ISOLATIONS.includes(isolation)) {
    throw invalidArgument(at(field, 'Isolation'), `invalid isolation '${isolation}' on linux: berth supports "default" and "container"`);
  }
  // The host's uts namespace has the host's name; the container cannot have another.
  if (hc.UTSMode === 'host' && config.Hostname) {
    throw invalidArgument(at(field, 'UTSMode'), 'conflicting options: hostname and the UTS mode');
  }
}
