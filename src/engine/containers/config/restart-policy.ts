/**
 * Docker's rules for RestartPolicy and AutoRemove (moby's
 * ValidateRestartPolicy and validateHostConfig), in Docker's words: the CLI
 * and scripts match on them.
 */
import { invalidArgument } from '../../../errors.js';
import { at } from '../../../oci/json-check.js';
import type { HostConfig } from './host-config.js';

/** True when the container is never restarted by the daemon ("" and "no"). */
export function isRestartPolicyNone(hc: HostConfig): boolean {
  const name = hc.RestartPolicy?.Name ?? '';
  return name === '' || name === 'no';
}

export function checkRestartPolicy(hc: HostConfig, field = 'HostConfig'): void {
  // Docker reports this one as a bad parameter (HTTP 400), before the policy itself.
  if (hc.AutoRemove === true && !isRestartPolicyNone(hc)) {
    throw invalidArgument(at(field, 'AutoRemove'), "can't create 'AutoRemove' container with restart policy");
  }
  const name = hc.RestartPolicy?.Name ?? '';
  const max = hc.RestartPolicy?.MaximumRetryCount ?? 0;
  const f = at(at(field, 'RestartPolicy'), 'MaximumRetryCount');
  switch (name) {
    case 'always':
    case 'unless-stopped':
    case 'no':
      if (max !== 0) {
        const negative = max < 0 ? ' and cannot be negative' : '';
        throw invalidArgument(f, `invalid restart policy: maximum retry count can only be used with 'on-failure'${negative}`);
      }
      return;
    case 'on-failure':
      if (max < 0) throw invalidArgument(f, 'invalid restart policy: maximum retry count cannot be negative');
      return;
    case '':
      // Docker before 25.0 wrote an empty name with any count; accepted for old clients.
      return;
  }
}
