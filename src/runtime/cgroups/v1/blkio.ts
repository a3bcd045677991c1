import type { BlockIO, ThrottleDevice } from '../../../oci/spec.js';
import type { V1Dirs } from './dirs.js';

/**
 * blkio weight and throttling. The weight knob depends on the I/O scheduler:
 * with BFQ it is blkio.bfq.weight, with the old CFQ blkio.weight, and with
 * neither (mq-deadline, none) there is no weight file at all, which is reported
 * as unsupported naming blkio.weight.
 */
export async function applyBlkioV1(d: V1Dirs, b: BlockIO): Promise<void> {
  const weightDevices = (b.weightDevice ?? []).filter((w) => w.weight !== undefined);
  const leafDevices = (b.weightDevice ?? []).filter((w) => w.leafWeight !== undefined);
  const throttles: [string, ThrottleDevice[] | undefined][] = [
    ['blkio.throttle.read_bps_device', b.throttleReadBpsDevice],
    ['blkio.throttle.write_bps_device', b.throttleWriteBpsDevice],
    ['blkio.throttle.read_iops_device', b.throttleReadIOPSDevice],
    ['blkio.throttle.write_iops_device', b.throttleWriteIOPSDevice],
  ];
  const wanted =
    (b.weight ?? 0) !== 0 ||
    (b.leafWeight ?? 0) !== 0 ||
    weightDevices.length > 0 ||
    leafDevices.length > 0 ||
    throttles.some(([, list]) => (list ?? []).length > 0);
  if (!wanted) return;
  const dir = d.dir('blkio', 'blkio.weight');

  if ((b.weight ?? 0) !== 0 || weightDevices.length > 0) {
    const bfq = await dir.has('blkio.bfq.weight');
    const weightFile = bfq ? 'blkio.bfq.weight' : 'blkio.weight';
    if ((b.weight ?? 0) !== 0) await dir.write(weightFile, b.weight ?? 0);
    for (const w of weightDevices) await dir.write(`${weightFile}_device`, `${w.major}:${w.minor} ${w.weight ?? 0}`);
  }
  // Leaf weights only ever existed with CFQ (removed in 5.0).
  if ((b.leafWeight ?? 0) !== 0) await dir.write('blkio.leaf_weight', b.leafWeight ?? 0);
  for (const w of leafDevices) await dir.write('blkio.leaf_weight_device', `${w.major}:${w.minor} ${w.leafWeight ?? 0}`);

  // A rate of 0 removes the device's limit, which is also what the kernel does with it.
  for (const [file, list] of throttles) {
    for (const t of list ?? []) await dir.write(file, `${t.major}:${t.minor} ${t.rate}`);
  }
}
