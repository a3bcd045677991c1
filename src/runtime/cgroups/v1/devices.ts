import type { DeviceCgroupRule } from '../../../oci/spec.js';
import { invalidArgument } from '../../../errors.js';
import type { V1Dirs } from './dirs.js';

/** "c 1:3 rwm", "a *:* rwm": the line the v1 devices controller parses. */
export function deviceRuleLine(ctx: string, r: DeviceCgroupRule): string {
  const type = r.type ?? 'a';
  const num = (n: number | null | undefined): string => (n === undefined || n === null || n === -1 ? '*' : String(n));
  const access = r.access ?? 'rwm';
  if (access === '' || !/^[rwm]+$/.test(access)) {
    throw invalidArgument(ctx, `devices: access ${JSON.stringify(access)} must be a combination of r, w and m`);
  }
  return `${type} ${num(r.major)}:${num(r.minor)} ${access}`;
}

/**
 * Write the OCI device rules in order, each to devices.allow or devices.deny.
 * Docker's specs start with a deny-all ("a *:* rwm" to devices.deny), which
 * resets the cgroup to default-deny with no exceptions; the allow rules that
 * follow add the exceptions back. On update that means a brief moment in which
 * the container cannot open its devices; runc avoids it by diffing against the
 * current devices.list, which berth does not do yet.
 */
export async function applyDevicesV1(d: V1Dirs, rules: DeviceCgroupRule[]): Promise<void> {
  if (rules.length === 0) return;
  const lines = rules.map((r) => ({ file: r.allow ? 'devices.allow' : 'devices.deny', line: deviceRuleLine(d.ctx, r) }));
  const dir = d.dir('devices', lines[0]?.file ?? 'devices.allow');
  for (const { file, line } of lines) await dir.write(file, line);
}
