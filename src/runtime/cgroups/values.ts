import { invalidArgument } from '../../errors.js';

/**
 * pids.max (same on v1 and v2). A positive limit is written as is; 0 or a
 * negative one means unlimited ("max"), matching runc and Docker's
 * `--pids-limit 0|-1`.
 */
export function pidsMaxValue(limit: number): string {
  return limit > 0 ? String(limit) : 'max';
}

/** "2MB", "1GB", "64KB": the page size names the hugetlb files use. */
export function checkPageSize(ctx: string, pageSize: string): string {
  if (!/^[0-9]+[KMG]B$/.test(pageSize)) {
    throw invalidArgument(ctx, `hugepageLimits: page size ${JSON.stringify(pageSize)} must look like "2MB" or "1GB"`);
  }
  return pageSize;
}
