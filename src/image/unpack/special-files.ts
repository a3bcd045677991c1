/**
 * The two things a layer needs that Node's fs cannot do: mknod(2) (device
 * nodes, fifos, and overlay whiteouts, which are 0:0 character devices) and
 * setxattr(2) (SCHILY.xattr records such as security.capability, and the
 * overlay opaque marker trusted.overlay.opaque=y). Both are done by small
 * programs: `mknod` (coreutils) once per node, `setfattr` (Debian package
 * `attr`) once per layer for all its extended attributes. Layers have few
 * such entries, so these spawns stay rare.
 */
import { execFile, spawn } from 'node:child_process';

import { failedPrecondition, internal } from '../../errors.js';

export type NodeKind = 'char' | 'block' | 'fifo';

/** An error from a helper program, with the errno code its message names when we know it. */
export class ToolError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'ToolError';
    this.code = code;
  }
}

const STRERROR: ReadonlyArray<[string, string]> = [
  ['No space left on device', 'ENOSPC'],
  ['Disk quota exceeded', 'EDQUOT'],
  ['Operation not permitted', 'EPERM'],
  ['Operation not supported', 'ENOTSUP'],
  ['File exists', 'EEXIST'],
  ['No such file or directory', 'ENOENT'],
  ['Permission denied', 'EACCES'],
];

const codeOf = (message: string): string | undefined => STRERROR.find(([text]) => message.includes(text))?.[1];

function notInstalled(program: string, pkg: string): Error {
  return failedPrecondition(`program "${program}"`, `not installed (Debian package ${pkg})`);
}

/** Creates a device node or fifo at `path` with permission bits `mode`. */
export function mknod(path: string, kind: NodeKind, major: number, minor: number, mode: number): Promise<void> {
  const args = ['-m', (mode & 0o7777).toString(8), '--', path];
  if (kind === 'fifo') args.push('p');
  else args.push(kind === 'char' ? 'c' : 'b', String(major), String(minor));
  return new Promise((resolve, reject) => {
    execFile('mknod', args, { encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (err === null) {
        resolve();
        return;
      }
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && stderr === '') {
        reject(notInstalled('mknod', 'coreutils'));
        return;
      }
      const msg = stderr.trim() || err.message;
      reject(new ToolError(msg, codeOf(msg)));
    });
  });
}

/**
 * `setfattr --restore` quotes: a backslash and three octal digits for
 * anything that would break the line-oriented dump format.
 */
function quote(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const plain = byte > 0x20 && byte !== 0x7f && byte !== 0x5c && byte !== 0x3d;
    out += plain ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}

export interface XattrFailure {
  path: string;
  message: string;
  code: string | undefined;
}

/**
 * Sets extended attributes on many files with one `setfattr -h --restore=-`
 * (-h: on symlinks themselves, lsetxattr). Returns the per-file failures
 * setfattr reported; it goes on after each one.
 */
export async function setXattrs(batch: ReadonlyMap<string, ReadonlyMap<string, Buffer>>): Promise<XattrFailure[]> {
  if (batch.size === 0) return [];
  let dump = '';
  for (const [path, attrs] of batch) {
    if (attrs.size === 0) continue;
    dump += `# file: ${quote(path)}\n`;
    for (const [name, value] of attrs) {
      dump += `${quote(name)}=${value.length === 0 ? '""' : `0x${value.toString('hex')}`}\n`;
    }
    dump += '\n';
  }
  const child = spawn('setfattr', ['-h', '--restore=-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => {
    if (stderr.length < 1 << 16) stderr += c;
  });
  const status = new Promise<number | null>((resolve, reject) => {
    child.once('error', (e) => reject((e as NodeJS.ErrnoException).code === 'ENOENT' ? notInstalled('setfattr', 'attr') : e));
    child.once('close', (code) => resolve(code));
  });
  // Node writes file names as UTF-8; quote() kept the dump ASCII-safe for the rest.
  child.stdin.on('error', () => undefined);
  child.stdin.end(Buffer.from(dump, 'latin1'));
  const code = await status;
  if (code === 0) return [];
  const failures: XattrFailure[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^setfattr: (.*): ([^:]+)$/.exec(line.trim());
    if (m) failures.push({ path: m[1] ?? '', message: m[2] ?? '', code: codeOf(m[2] ?? '') });
  }
  if (failures.length === 0) throw internal('layer', `setfattr failed: ${stderr.trim() || `exit status ${code}`}`);
  return failures;
}
