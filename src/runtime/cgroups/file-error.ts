import { BerthError, errnoCode, failedPrecondition, internal, invalidArgument } from '../../errors.js';

/** strerror(3) wording for the errnos cgroupfs answers with. */
const STRERROR: Record<string, string> = {
  EINVAL: 'invalid argument',
  ERANGE: 'numerical result out of range',
  EBUSY: 'device or resource busy',
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  ENOSPC: 'no space left on device',
  ENOENT: 'no such file or directory',
  EOPNOTSUPP: 'operation not supported',
  ENOTSUP: 'operation not supported',
  ENODEV: 'no such device',
  EROFS: 'read-only file system',
};

/**
 * Turn a failed read or write of a control file into a BerthError naming the
 * cgroup and the file: `cgroup "berth/x": cpu.cfs_quota_us: invalid argument (writing "-5")`.
 * EINVAL/ERANGE mean the value is not acceptable here (InvalidArgument); a
 * missing file means the host lacks the controller or knob, and EBUSY/EPERM/
 * ENOSPC mean the cgroup's current state forbids it (FailedPrecondition).
 */
export function cgroupFileError(ctx: string, file: string, e: unknown, value?: string): BerthError {
  if (e instanceof BerthError) return e;
  const code = errnoCode(e);
  const what = code !== undefined ? (STRERROR[code] ?? code.toLowerCase()) : 'failed';
  const writing = value !== undefined ? ` (writing ${JSON.stringify(value.trim())})` : '';
  switch (code) {
    case 'EINVAL':
    case 'ERANGE':
      return withCause(invalidArgument(ctx, `${file}: ${what}${writing}`), e);
    case 'ENOENT':
      return withCause(failedPrecondition(ctx, `${file}: not supported by this host (no such file)`), e);
    case 'EBUSY':
    case 'EPERM':
    case 'EACCES':
    case 'ENOSPC':
    case 'EOPNOTSUPP':
    case 'ENOTSUP':
    case 'ENODEV':
    case 'EROFS':
      return withCause(failedPrecondition(ctx, `${file}: ${what}${writing}`), e);
    default:
      return internal(ctx, `${file}: ${what}${writing}`, e);
  }
}

function withCause(err: BerthError, cause: unknown): BerthError {
  return new BerthError(err.category, err.context, err.detail, { cause });
}

/** The errno behind an error, looking through a BerthError to its cause. */
export function errnoOf(e: unknown): string | undefined {
  return errnoCode(e) ?? (e instanceof Error ? errnoCode(e.cause) : undefined);
}
