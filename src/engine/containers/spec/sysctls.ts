/**
 * `linux.sysctl`: Docker's two defaults for a container with a network of
 * its own (ping without CAP_NET_RAW, binding ports below 1024 without
 * CAP_NET_BIND_SERVICE), then the user's Sysctls. Only sysctls of a
 * namespace the container owns may be set: anything else would change the
 * host, so it is refused here, naming the key.
 */
import { invalidArgument } from '../../../errors.js';
import type { SpecInput } from './spec-input.js';

/** moby's defaults (WithCommonOptions), for a private network namespace. */
export const DEFAULT_NETWORK_SYSCTLS: Readonly<Record<string, string>> = Object.freeze({
  'net.ipv4.ping_group_range': '0 2147483647',
  'net.ipv4.ip_unprivileged_port_start': '0',
});

const IPC_KEYS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

type Owner = 'ipc' | 'network' | 'uts';

function owner(key: string): Owner | undefined {
  const k = key.replaceAll('/', '.');
  if (IPC_KEYS.has(k) || k.startsWith('fs.mqueue.')) return 'ipc';
  if (k.startsWith('net.')) return 'network';
  if (k === 'kernel.domainname') return 'uts';
  return undefined;
}

function checkKey(key: string, input: SpecInput): void {
  const hc = input.hostConfig;
  const field = `HostConfig.Sysctls.${key}`;
  const ns = owner(key);
  if (key.replaceAll('/', '.') === 'kernel.hostname') {
    throw invalidArgument(field, 'sysctl "kernel.hostname" is not allowed: set the hostname instead');
  }
  if (ns === undefined) throw invalidArgument(field, `sysctl ${JSON.stringify(key)} is not in a separate kernel namespace`);
  const shared =
    (ns === 'network' && input.network.mode === 'host') ||
    (ns === 'ipc' && (hc.IpcMode === 'host' || (hc.IpcMode ?? '').startsWith('container:'))) ||
    (ns === 'uts' && hc.UTSMode === 'host');
  if (shared) throw invalidArgument(field, `sysctl ${JSON.stringify(key)} is not allowed: the container shares the ${ns} namespace`);
}

export function buildSysctls(input: SpecInput): Record<string, string> {
  const own = input.network.mode !== 'host';
  const user = input.hostConfig.Sysctls ?? {};
  for (const key of Object.keys(user)) checkKey(key, input);
  return { ...(own ? DEFAULT_NETWORK_SYSCTLS : {}), ...user };
}
