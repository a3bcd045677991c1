import { invalidArgument } from '../../../errors.js';

/** `POST /containers/{id}/exec`'s body. */
export interface ExecConfig {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  DetachKeys?: string;
  Tty?: boolean;
  /** [height, width] */
  ConsoleSize?: [number, number];
  Env?: string[];
  Cmd?: string[];
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
}

export function parseExecConfig(body: unknown): ExecConfig {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidArgument('exec', 'want a JSON object');
  const b = body as Record<string, unknown>;
  const out: ExecConfig = {};
  for (const k of ['AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'Privileged'] as const) {
    const v = b[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') throw invalidArgument(k, `want a boolean, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  for (const k of ['DetachKeys', 'User', 'WorkingDir'] as const) {
    const v = b[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw invalidArgument(k, `want a string, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  for (const k of ['Env', 'Cmd'] as const) {
    const v = b[k];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidArgument(k, 'want an array of strings');
    out[k] = v as string[];
  }
  const size = b['ConsoleSize'];
  if (size !== undefined && size !== null) {
    if (!Array.isArray(size) || size.length !== 2 || size.some((x) => typeof x !== 'number' || x < 0)) throw invalidArgument('ConsoleSize', 'want [height, width]');
    out.ConsoleSize = [size[0] as number, size[1] as number];
  }
  if (!out.Cmd || out.Cmd.length === 0) throw invalidArgument('', 'No exec command specified');
  if (out.WorkingDir && !out.WorkingDir.startsWith('/')) throw invalidArgument('', `the working directory '${out.WorkingDir}' is invalid, it needs to be an absolute path`);
  return out;
}
