/** The body of POST /containers/ID/exec, field for field as docker's CLI sends it. */
import { all, bool, str, type ParsedFlags } from '../flags.js';
import { envList } from './kv.js';

export function execBody(p: ParsedFlags, consoleSize: [number, number] | undefined, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const [, ...cmd] = p.args;
  const detach = bool(p, 'detach');
  const tty = bool(p, 'tty');
  return {
    User: str(p, 'user') ?? '',
    Privileged: bool(p, 'privileged'),
    Tty: tty,
    ...(tty && consoleSize ? { ConsoleSize: consoleSize } : {}),
    AttachStdin: !detach && bool(p, 'interactive'),
    AttachStderr: !detach,
    AttachStdout: !detach,
    DetachKeys: str(p, 'detach-keys') ?? '',
    Env: envList(all(p, 'env-file'), all(p, 'env'), env),
    WorkingDir: str(p, 'workdir') ?? '',
    Cmd: cmd,
  };
}
