/**
 * A POSIX st_mode as Go's os.FileMode, which is what Docker puts in the
 * `mode` of a container path stat (X-Docker-Container-Path-Stat): the type
 * is in the high bits (a directory is 1<<31, a symlink 1<<27), and setuid,
 * setgid and sticky have their own bits too, not 0o4000/0o2000/0o1000.
 * Clients (the docker CLI) test these bits, so they must be Go's.
 */
export const GoMode = {
  dir: 2 ** 31,
  symlink: 2 ** 27,
  device: 2 ** 26,
  namedPipe: 2 ** 25,
  socket: 2 ** 24,
  setuid: 2 ** 23,
  setgid: 2 ** 22,
  charDevice: 2 ** 21,
  sticky: 2 ** 20,
} as const;

const S_IFMT = 0o170000;

const TYPE_BITS: ReadonlyMap<number, number> = new Map([
  [0o040000, GoMode.dir],
  [0o120000, GoMode.symlink],
  [0o060000, GoMode.device],
  [0o020000, GoMode.device + GoMode.charDevice],
  [0o010000, GoMode.namedPipe],
  [0o140000, GoMode.socket],
  [0o100000, 0],
]);

export function goFileMode(posixMode: number): number {
  let mode = (posixMode & 0o777) + (TYPE_BITS.get(posixMode & S_IFMT) ?? 0);
  if (posixMode & 0o4000) mode += GoMode.setuid;
  if (posixMode & 0o2000) mode += GoMode.setgid;
  if (posixMode & 0o1000) mode += GoMode.sticky;
  return mode;
}
