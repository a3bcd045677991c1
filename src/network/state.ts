/**
 * What the bridge driver remembers across daemon restarts and crashes: the
 * networks, each endpoint's address (the IPAM allocations), the published
 * ports and the sysctl values we changed. One small JSON document written
 * atomically, so a network, its endpoints and their ports always agree.
 */
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { errnoCode, internal } from '../errors.js';

export type Proto = 'tcp' | 'udp';

export interface EndpointRecord {
  endpointId: string;
  containerId: string;
  /** The container's name, for inspect; the engine may leave it out. */
  name?: string;
  ip: string;
  /** The address the engine asked for (docker run --ip), if any. */
  requestedIp?: string;
  mac: string;
  /** The interface inside the container: eth0 on its first network. */
  ifname: string;
  hostVeth: string;
  netnsPath: string;
  aliases: string[];
}

export interface NetworkRecord {
  id: string;
  name: string;
  bridge: string;
  subnet: string;
  gateway: string;
  internal: boolean;
  created: string;
  labels: Record<string, string>;
  /** By container id: a container has at most one endpoint per network. */
  endpoints: Record<string, EndpointRecord>;
}

export interface PublishedPort {
  containerId: string;
  /** '' = every host address. */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
  proto: Proto;
}

/** Sysctl values as they were before we changed them (paths relative to /proc/sys), and the boot they belong to. */
export interface SavedSysctls {
  bootId: string;
  values: Record<string, string>;
}

export interface DriverState {
  networks: NetworkRecord[];
  ports: PublishedPort[];
  forwarding?: SavedSysctls;
}

export class StateFile {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = join(dir, 'bridge-driver.json');
  }

  async load(): Promise<DriverState> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return { networks: [], ports: [] };
      throw e;
    }
    try {
      return JSON.parse(text) as DriverState;
    } catch (e) {
      throw internal(this.file, `corrupt JSON: ${(e as Error).message}`);
    }
  }

  /** Write a temp file, fsync, rename: a crash leaves the old document or the new one, never half. */
  async save(state: DriverState): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
}
