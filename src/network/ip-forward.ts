/**
 * net.ipv4.ip_forward: bridged containers reach other hosts only when the
 * host routes between interfaces. We turn it on for the first network that
 * needs it and put back what was there when the last one goes.
 *
 * Kernel surprise: writing ip_forward is not one value. The kernel
 * (inet_forward_change) copies it into conf/default/forwarding and every
 * device's conf/<dev>/forwarding, and sets conf/all/accept_redirects to its
 * opposite. So we remember all of those and restore each one, not only
 * ip_forward itself.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';

import { errnoCode } from '../errors.js';
import type { SavedSysctls } from './state.js';

const IP_FORWARD = 'net/ipv4/ip_forward';
const REDIRECTS = 'net/ipv4/conf/all/accept_redirects';

export class ForwardingSysctls {
  constructor(private readonly procSys = '/proc/sys') {}

  async bootId(): Promise<string> {
    return (await readFile(`${this.procSys}/kernel/random/boot_id`, 'utf8')).trim();
  }

  /** The values that writing ip_forward changes, as they are now. */
  async snapshot(): Promise<SavedSysctls> {
    const values: Record<string, string> = {};
    values[IP_FORWARD] = await this.read(IP_FORWARD);
    values[REDIRECTS] = await this.read(REDIRECTS);
    for (const dev of await readdir(`${this.procSys}/net/ipv4/conf`)) {
      if (dev === 'all') continue; // An alias of ip_forward itself.
      const key = `net/ipv4/conf/${dev}/forwarding`;
      const v = await this.readIfThere(key);
      if (v !== undefined) values[key] = v;
    }
    return { bootId: await this.bootId(), values };
  }

  async isOn(): Promise<boolean> {
    return (await this.read(IP_FORWARD)) === '1';
  }

  async enable(): Promise<void> {
    if (!(await this.isOn())) await this.write(IP_FORWARD, '1');
  }

  /**
   * Puts the saved values back: ip_forward first (it rewrites the others),
   * then each one that differs. Devices that have gone since are skipped.
   */
  async restore(saved: SavedSysctls): Promise<void> {
    const ipf = saved.values[IP_FORWARD];
    if (ipf !== undefined && (await this.read(IP_FORWARD)) !== ipf) await this.write(IP_FORWARD, ipf);
    for (const [key, value] of Object.entries(saved.values)) {
      if (key === IP_FORWARD) continue;
      const now = await this.readIfThere(key);
      if (now !== undefined && now !== value) await this.write(key, value);
    }
  }

  private async read(key: string): Promise<string> {
    return (await readFile(`${this.procSys}/${key}`, 'utf8')).trim();
  }

  private async readIfThere(key: string): Promise<string | undefined> {
    try {
      return await this.read(key);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  private async write(key: string, value: string): Promise<void> {
    await writeFile(`${this.procSys}/${key}`, `${value}\n`);
  }
}
