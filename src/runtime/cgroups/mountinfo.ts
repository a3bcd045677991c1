/** One line of /proc/<pid>/mountinfo (see proc(5)). */
export interface MountinfoEntry {
  id: number;
  parentId: number;
  /** "maj:min" of the filesystem */
  device: string;
  /** the directory of the filesystem that is mounted here ("/" for a whole cgroup hierarchy) */
  root: string;
  mountPoint: string;
  mountOptions: string[];
  fsType: string;
  source: string;
  /** per-superblock options; for a v1 cgroup mount they name the controllers */
  superOptions: string[];
}

/**
 * Parse mountinfo text. Lines that do not have the documented shape are
 * skipped rather than fatal: the file is the kernel's, and a future optional
 * field must not stop berth from finding its cgroups.
 */
export function parseMountinfo(text: string): MountinfoEntry[] {
  const out: MountinfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split(' ');
    const sep = fields.indexOf('-', 6);
    if (sep < 0 || fields.length < sep + 4) continue;
    const [id, parentId, device, root, mountPoint, mountOptions] = fields;
    const fsType = fields[sep + 1];
    const source = fields[sep + 2];
    const superOptions = fields[sep + 3];
    if (
      id === undefined ||
      parentId === undefined ||
      device === undefined ||
      root === undefined ||
      mountPoint === undefined ||
      mountOptions === undefined ||
      fsType === undefined ||
      source === undefined ||
      superOptions === undefined
    ) {
      continue;
    }
    out.push({
      id: Number(id),
      parentId: Number(parentId),
      device,
      root: unescapeOctal(root),
      mountPoint: unescapeOctal(mountPoint),
      mountOptions: mountOptions.split(','),
      fsType,
      source: unescapeOctal(source),
      superOptions: superOptions.split(','),
    });
  }
  return out;
}

/** The kernel writes space, tab, newline and backslash in paths as \ooo. */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}
