/** Go's wording of a failed system call ("open /x: no such file or directory"), for messages docker prints. */
const STRERROR: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'file exists',
  EPERM: 'operation not permitted',
};

export function goError(op: string, file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return `${op} ${file}: ${STRERROR[code] ?? (e instanceof Error ? e.message : String(e))}`;
}
