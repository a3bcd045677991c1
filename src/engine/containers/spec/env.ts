/**
 * The process environment as dockerd builds it (CreateDaemonEnvironment):
 * PATH, HOSTNAME and, with a tty, TERM first; then the container's Env,
 * which replaces those by name, adds the rest, and removes a variable
 * written without "=". A name given twice keeps its last value (dockerd
 * would pass both to execve, where the first usually wins).
 */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** moby's ReplaceOrAppendEnvValues. */
export function replaceOrAppendEnv(defaults: readonly string[], overrides: readonly string[]): string[] {
  const out: (string | undefined)[] = [...defaults];
  const index = new Map(defaults.map((e, i) => [e.split('=', 1)[0] as string, i]));
  for (const value of overrides) {
    const eq = value.indexOf('=');
    const key = eq < 0 ? value : value.slice(0, eq);
    const i = index.get(key);
    if (eq < 0) {
      if (i !== undefined) out[i] = undefined;
    } else if (i !== undefined) out[i] = value;
    else {
      index.set(key, out.length);
      out.push(value);
    }
  }
  return out.filter((e): e is string => e !== undefined);
}

export function containerEnv(hostname: string, tty: boolean, env: readonly string[] | undefined): string[] {
  const defaults = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${hostname}`, ...(tty ? ['TERM=xterm'] : [])];
  return replaceOrAppendEnv(defaults, env ?? []);
}
