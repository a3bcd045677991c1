/**
 * Entry names made safe to join to a layer directory. Like tar, a leading
 * "/" is stripped ("/etc/passwd" is "etc/passwd") and "." components go; a
 * ".." that climbs above the layer root is refused, whatever follows it.
 * What a cleaned name may still do wrong (walk through a symlink written by
 * the same layer) is checked against the disk by the applier.
 */

export type CleanResult = { ok: true; parts: string[] } | { ok: false; reason: string };

export function cleanEntryPath(name: string): CleanResult {
  if (name.includes('\0')) return { ok: false, reason: 'it contains a NUL byte' };
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return { ok: false, reason: 'it leaves the layer root' };
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return { ok: true, parts };
}
