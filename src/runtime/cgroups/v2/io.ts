import type { BlockIO, ThrottleDevice } from '../../../oci/spec.js';
import type { CgroupDir } from '../cgroup-dir.js';
import { blkioWeightToIoWeight } from '../convert.js';

/**
 * io.weight or io.bfq.weight, and io.max. With BFQ as the device's scheduler
 * the weight that matters is io.bfq.weight, on blkio's 1..1000 scale; else
 * io.weight, on 1..10000 (converted as runc does). leafWeight has no v2
 * equivalent and is ignored.
 */
export async function applyIoV2(dir: CgroupDir, b: BlockIO): Promise<void> {
  const weightDevices = (b.weightDevice ?? []).filter((w) => w.weight !== undefined);
  if ((b.weight ?? 0) !== 0 || weightDevices.length > 0) {
    const bfq = await dir.has('io.bfq.weight');
    const file = bfq ? 'io.bfq.weight' : 'io.weight';
    const scale = (w: number): number => (bfq ? w : blkioWeightToIoWeight(w));
    if ((b.weight ?? 0) !== 0) await dir.write(file, scale(b.weight ?? 0));
    for (const w of weightDevices) await dir.write(file, `${w.major}:${w.minor} ${scale(w.weight ?? 0)}`);
  }

  // One io.max line per device with every limit the spec gives for it. A rate
  // of 0 means "no limit" in OCI (and v1); v2 spells that "max".
  const perDevice = new Map<string, string[]>();
  const add = (key: string, list: ThrottleDevice[] | undefined): void => {
    for (const t of list ?? []) {
      const dev = `${t.major}:${t.minor}`;
      const entry = perDevice.get(dev) ?? [];
      entry.push(`${key}=${t.rate === 0 ? 'max' : t.rate}`);
      perDevice.set(dev, entry);
    }
  };
  add('rbps', b.throttleReadBpsDevice);
  add('wbps', b.throttleWriteBpsDevice);
  add('riops', b.throttleReadIOPSDevice);
  add('wiops', b.throttleWriteIOPSDevice);
  for (const [dev, limits] of perDevice) await dir.write('io.max', `${dev} ${limits.join(' ')}`);
}
