/**
 * Environment variables and labels from flags and files, as docker reads
 * them: files first, then flags; `-e NAME` takes NAME's value from this
 * process's environment (kept bare when unset); a line of an env file
 * without `=` is taken from the environment, or dropped, and one of a
 * label file is dropped.
 */
import { readFileSync } from 'node:fs';

import { goError } from './go-errors.js';

function readKvFile(file: string, fromEnv: boolean, env: NodeJS.ProcessEnv): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(goError('open', file, e));
  }
  const out: string[] = [];
  text.split('\n').forEach((raw) => {
    const line = raw.replace(/^[\s]+/, '').replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq < 0 ? line : line.slice(0, eq);
    if (eq === 0) throw new Error(`no variable name on line '${line}'`);
    if (/\s/.test(name)) throw new Error(`variable '${name.trim()}' contains whitespaces`);
    if (eq >= 0) out.push(line);
    else if (fromEnv && env[name.trim()] !== undefined) out.push(`${name.trim()}=${env[name.trim()]}`);
  });
  return out;
}

/** `--env-file` then `-e`: the Env list docker sends (null when empty). */
export function envList(files: string[], vars: string[], env: NodeJS.ProcessEnv = process.env): string[] | null {
  const out = files.flatMap((f) => readKvFile(f, true, env));
  for (const v of vars) {
    const eq = v.indexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    if (name === '') throw new Error(`invalid environment variable: ${v}`);
    out.push(eq >= 0 || env[name] === undefined ? v : `${name}=${env[name]}`);
  }
  return out.length > 0 ? out : null;
}

/** `--label-file` then `-l`: `k=v`, or `k` for an empty value. */
export function labelMap(files: string[], labels: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of [...files.flatMap((f) => readKvFile(f, false, {})), ...labels]) {
    const eq = l.indexOf('=');
    out[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  return out;
}

/** `--sysctl`, `--log-opt`, `--opt`: key=value pairs into a map. */
export function kvMap(pairs: string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new Error(`invalid ${what}: ${p}: must be a key=value pair`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}
