/**
 * Docker's create-time checks of a container's mounts: `-v` specs,
 * `--mount` objects (moby's validateMountConfig, minus what needs the
 * host's filesystem), `--tmpfs` destinations and options, and no two mounts
 * on one destination.
 */
import { invalidArgument } from '../../../errors.js';
import { at } from '../../../oci/json-check.js';
import { checkMountTarget, parseBind, PROPAGATIONS } from './binds.js';
import type { HostConfig, MountSpec } from './host-config.js';
import { tmpfsDataFromMount, tmpfsMountOptions } from './tmpfs-options.js';

/** Checks one `--mount` and returns its cleaned destination. */
export function checkMountSpec(m: MountSpec, field: string): string {
  const type = m.Type ?? '';
  const fail = (detail: string): never => {
    throw invalidArgument(field, `invalid mount config for type "${type}": ${detail}`);
  };
  if (type === '') throw invalidArgument(at(field, 'Type'), 'is required');
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') {
    throw invalidArgument(at(field, 'Type'), `mount type "${type}" is not supported`);
  }
  if (!m.Target) fail('field Target must not be empty');
  const target = checkMountTarget(m.Target as string, fail);
  if (type !== 'bind' && m.BindOptions) fail('field BindOptions must not be specified');
  if (type !== 'volume' && m.VolumeOptions) fail('field VolumeOptions must not be specified');
  if (type !== 'tmpfs' && m.TmpfsOptions) fail('field TmpfsOptions must not be specified');
  if (type === 'bind') {
    if (!m.Source) fail('field Source must not be empty');
    if (!(m.Source as string).startsWith('/')) fail(`invalid mount path: '${m.Source}' mount path must be absolute`);
    const propagation = m.BindOptions?.Propagation ?? '';
    if (propagation !== '' && !PROPAGATIONS.has(propagation)) fail(`invalid propagation mode: ${propagation}`);
  }
  if (type === 'volume' && m.Source?.startsWith('/')) fail(`invalid volume name: '${m.Source}' (a host path needs type=bind)`);
  if (type === 'tmpfs') {
    if (m.Source) fail('field Source must not be specified');
    tmpfsMountOptions(tmpfsDataFromMount(m, field), field);
  }
  return target;
}

export function checkMounts(hc: HostConfig, field = 'HostConfig'): void {
  const taken = new Set<string>();
  const claim = (destination: string, f: string) => {
    if (taken.has(destination)) throw invalidArgument(f, `Duplicate mount point: ${destination}`);
    taken.add(destination);
  };
  for (const [dest, data] of Object.entries(hc.Tmpfs ?? {})) {
    const f = at(at(field, 'Tmpfs'), dest);
    const target = checkMountTarget(dest, (d) => {
      throw invalidArgument(f, d);
    });
    tmpfsMountOptions(data, f);
    claim(target, f);
  }
  hc.Binds?.forEach((b, i) => {
    const f = at(at(field, 'Binds'), i);
    claim(parseBind(b, f).destination, f);
  });
  hc.Mounts?.forEach((m, i) => {
    const f = at(at(field, 'Mounts'), i);
    claim(checkMountSpec(m, f), f);
  });
  for (const key of ['MaskedPaths', 'ReadonlyPaths'] as const) {
    hc[key]?.forEach((p, i) => {
      if (!p.startsWith('/')) throw invalidArgument(at(at(field, key), i), `must be an absolute path, got ${JSON.stringify(p)}`);
    });
  }
  hc.VolumesFrom?.forEach((v, i) => {
    const [name = '', mode] = v.split(':');
    if (name === '' || (mode !== undefined && !['ro', 'rw', 'z', 'Z', 'ro,z', 'ro,Z', 'rw,z', 'rw,Z'].includes(mode))) {
      throw invalidArgument(at(at(field, 'VolumesFrom'), i), `invalid volumes-from specification: ${JSON.stringify(v)}`);
    }
  });
}
