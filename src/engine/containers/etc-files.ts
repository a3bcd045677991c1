import { copyFile, readFile, writeFile } from 'node:fs/promises';

import type { ContainerPaths } from './paths.js';

export interface EtcInput {
  id: string;
  hostname: string;
  domainname: string;
  /** `--add-host` entries, "name:ip" */
  extraHosts: string[];
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  /** host networking: the container sees the host's files as they are */
  hostNetwork: boolean;
  /** its address on its first network; without one the name points at 127.0.1.1 */
  ip?: string | undefined;
  /** resolv.conf made for a user-defined network (its embedded DNS server) */
  resolvConf?: string | undefined;
}

/**
 * /etc/hostname, /etc/hosts and /etc/resolv.conf of a container, written
 * into its directory and bind-mounted by the spec, as Docker does: the
 * image's own files stay untouched.
 */
export async function writeEtcFiles(paths: ContainerPaths, input: EtcInput): Promise<void> {
  const fqdn = input.domainname ? `${input.hostname}.${input.domainname}` : input.hostname;
  await writeFile(paths.etc(input.id, 'hostname'), `${input.hostname}\n`);
  if (input.hostNetwork) {
    await copyFile('/etc/hosts', paths.etc(input.id, 'hosts'));
  } else {
    const lines = [
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      'fe00::0\tip6-localnet',
      'ff00::0\tip6-mcastprefix',
      'ff02::1\tip6-allnodes',
      'ff02::2\tip6-allrouters',
      ...input.extraHosts.map(hostEntry),
      // Without an address of its own the container still resolves its own name.
      `${input.ip ?? '127.0.1.1'}\t${fqdn === input.hostname ? input.hostname : `${fqdn} ${input.hostname}`}`,
    ];
    await writeFile(paths.etc(input.id, 'hosts'), `${lines.join('\n')}\n`);
  }
  await writeFile(paths.etc(input.id, 'resolv.conf'), input.resolvConf ?? (await resolvConf(input)));
}

function hostEntry(spec: string): string {
  const i = spec.indexOf(':');
  return `${spec.slice(i + 1)}\t${spec.slice(0, i)}`;
}

/**
 * The host's resolv.conf with the user's --dns/--dns-search/--dns-option
 * taking over, as Docker does. Loopback name servers (systemd-resolved's
 * 127.0.0.53) cannot be reached from a container's own network namespace;
 * they are dropped there.
 */
async function resolvConf(input: EtcInput): Promise<string> {
  const host = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  const lines = host.split('\n').map((l) => l.trim());
  const pick = (key: string) => lines.filter((l) => l.startsWith(`${key} `) || l.startsWith(`${key}\t`)).map((l) => l.slice(key.length).trim());
  let servers = input.dns.length > 0 ? input.dns : pick('nameserver');
  if (!input.hostNetwork) servers = servers.filter((s) => !s.startsWith('127.') && s !== '::1');
  const search = input.dnsSearch.length > 0 ? input.dnsSearch : pick('search').flatMap((s) => s.split(/\s+/));
  const options = input.dnsOptions.length > 0 ? input.dnsOptions : pick('options').flatMap((s) => s.split(/\s+/));
  const out = [
    ...(search.length > 0 ? [`search ${search.join(' ')}`] : []),
    ...servers.map((s) => `nameserver ${s}`),
    ...(options.length > 0 ? [`options ${options.join(' ')}`] : []),
  ];
  return `${out.join('\n')}\n`;
}
