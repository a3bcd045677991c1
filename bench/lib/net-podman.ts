/**
 * podman with bridge networking for the network benchmark: podman.ts's set-up
 * (own --root, --runroot, --tmpdir, runc, the CONTAINERS_CONF PEERS.md asks
 * for) plus a [network] section naming a CNI network of our own as the
 * default one.
 *
 * Why CNI: podman 4.3 networks through netavark or CNI. netavark is not
 * installed on this kind of host (scripts/setup.sh installs podman with
 * --no-install-recommends, and netavark is only recommended), the CNI
 * plugins (containernetworking-plugins) are, and podman picks CNI here by
 * itself. The network is podman's default one (bridge, host-local IPAM,
 * portmap, firewall, tuning: /etc/cni/net.d/87-podman-bridge.conflist)
 * with our own name, bridge device, subnet and IPAM directory, in a
 * configuration directory of our own, so nothing under /etc/cni is read or
 * written. Published ports are DNAT rules (the portmap plugin), as berth's.
 *
 * What it still leaves on the host: iptables chains (CNI-FORWARD, CNI-ADMIN,
 * CNI-HOSTPORT-*) with the rules that jump to them, and the bridge; a
 * result file per container in /var/lib/cni/results and a namespace file in
 * /run/netns, both removed with the container. net-host.ts undoes them.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Podman } from './podman.js';

export interface CniNetwork {
  name: string;
  bridge: string;
  /** e.g. 10.213.8.0/24 */
  subnet: string;
  gateway: string;
}

export async function bridgedPodman(dir: string, net: CniNetwork): Promise<Podman> {
  const p = await Podman.setup(dir);
  const confDir = join(dir, 'cni');
  const ipamDir = join(dir, 'cni-ipam');
  await mkdir(confDir, { recursive: true });
  await mkdir(ipamDir, { recursive: true });
  const conflist = {
    cniVersion: '0.4.0',
    name: net.name,
    plugins: [
      {
        type: 'bridge',
        bridge: net.bridge,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: { type: 'host-local', dataDir: ipamDir, routes: [{ dst: '0.0.0.0/0' }], ranges: [[{ subnet: net.subnet, gateway: net.gateway }]] },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
      { type: 'firewall' },
      { type: 'tuning' },
    ],
  };
  await writeFile(join(confDir, `${net.name}.conflist`), `${JSON.stringify(conflist, null, 2)}\n`);
  await appendFile(
    p.env['CONTAINERS_CONF'] as string,
    `[network]\nnetwork_backend = "cni"\nnetwork_config_dir = "${confDir}"\ndefault_network = "${net.name}"\n`,
  );
  return p;
}
