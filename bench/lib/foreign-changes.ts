/**
 * Which host differences (diffHost's lines) the container benchmark cannot
 * have made, on a host others use at the same time (their own berthd with
 * its bridge, veths and nftables table, their profilers' mounts…).
 *
 * What the engines here can make carries a name the run knows: berthd's
 * bridge and nftables table are the run's own (see Engines), dockerd runs
 * with --bridge=none --iptables=false --ip-forward=false and podman with
 * no network, and whatever either makes despite that is named docker*,
 * DOCKER*, cni-podman*, netavark. Every container has `--network none`; a
 * veth or mount of ours outliving its container would be pinned by a
 * process or mount under the run's directory, which close() kills and
 * diffHost reports. Network differences naming none of these, and mounts
 * outside the run's directory and the engines' default places, are
 * someone else's. Everything else (sysctls, engine directories, loop
 * devices) stays a failure whoever made it.
 */

/** Where the engines mount things by default, whatever the flags say. */
const ENGINE_MOUNT_DIRS = ['/var/lib/docker', '/run/docker', '/var/lib/containerd', '/run/containerd', '/var/lib/containers', '/run/containers', '/run/libpod', '/run/netns', '/var/run/netns', '/var/lib/berth', '/run/berth'];

const ENGINE_NAMES = ['docker', 'DOCKER', 'cni-podman', 'CNI-', 'netavark', 'podman'];

export interface OurNames {
  /** the run's directory: every state directory of every engine is below it */
  dir: string;
  /** the network objects berthd may make: its bridge, its nftables table */
  names: string[];
}

function foreignBecause(d: string, ours: OurNames): string | undefined {
  const named = [...ENGINE_NAMES, ...ours.names].some((n) => d.includes(n));
  if (/^(links|addrs|routes|nft|iptables|ip6tables): /.test(d) && !named) return "another user's network object: it names none of the engines' or this run's";
  const m = /^mounts: (?:new|gone): (.*)$/.exec(d.trim());
  const under = (p: string, dir: string): boolean => p === dir || p.startsWith(`${dir}/`);
  if (m?.[1] !== undefined && ![ours.dir, ...ENGINE_MOUNT_DIRS].some((dir) => under(m[1] as string, dir))) {
    return "another user's mount: outside this run's directory and the engines' default places";
  }
  return undefined;
}

/** The differences split into those that may be ours and those that are someone else's (with why). */
export function splitForeign(diff: string[], ours: OurNames): { ours: string[]; foreign: string[] } {
  const mine: string[] = [];
  const foreign: string[] = [];
  for (const d of diff) {
    const why = foreignBecause(d, ours);
    if (why) foreign.push(`${d.trim()}  (${why})`);
    else mine.push(d);
  }
  return { ours: mine, foreign };
}
