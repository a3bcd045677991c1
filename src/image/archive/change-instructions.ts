/**
 * The `--change` instructions of `docker import` (and `docker commit`):
 * Dockerfile lines that set image defaults. CMD, ENTRYPOINT, ENV, EXPOSE,
 * LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME and WORKDIR are accepted, as
 * Docker accepts them; anything else (RUN, COPY, …) is refused by name.
 *
 *   CMD ["sh"]          exec form (a JSON array of strings)
 *   CMD sh -c x         shell form → ["/bin/sh", "-c", "sh -c x"]
 *   ENV K=V K2="a b"    or the old form, ENV K the rest
 *   EXPOSE 80 53/udp 8000-8002
 *   LABEL k=v
 *   VOLUME ["/data"]    or VOLUME /a /b
 *
 * As in a Dockerfile, ENTRYPOINT clears a CMD that was not set by these
 * same changes. Variables ($X) are not expanded.
 */
import path from 'node:path';

import { invalidArgument, isBerthError } from '../../errors.js';
import type { ContainerConfig } from '../image-config.js';
import { splitWords, unquote } from './shell-words.js';

const DEFAULT_SHELL = ['/bin/sh', '-c'];
const MAX_SHOWN = 120;

const show = (s: string) => JSON.stringify(s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s);

/** Logical lines: a trailing backslash continues a line; blank lines and comments go. */
function lines(change: string): string[] {
  const out: string[] = [];
  let acc = '';
  for (const line of change.split(/\r?\n/)) {
    if (/\\\s*$/.test(line)) {
      acc += line.replace(/\\\s*$/, '');
      continue;
    }
    const whole = (acc + line).trim();
    acc = '';
    if (whole !== '' && !whole.startsWith('#')) out.push(whole);
  }
  if (acc.trim() !== '') out.push(acc.trim());
  return out;
}

/** A JSON array of strings, or undefined when `s` is not one (then it is shell form). */
function jsonArray(s: string): string[] | undefined {
  if (!s.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(s) as unknown;
    if (Array.isArray(v) && v.every((x): x is string => typeof x === 'string')) return v;
  } catch {
    // not JSON: shell form, as Docker reads it
  }
  return undefined;
}

/** `K=V K2=V2` or the old `K V…`; keys must be non-empty. */
function pairs(rest: string, fail: (why: string) => Error): [string, string][] {
  const { words, raw } = splitWords(rest);
  const first = raw[0] ?? '';
  if (!first.includes('=') || first.startsWith('=')) {
    const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(rest);
    const key = unquote(m?.[1] ?? '');
    if (m?.[2] === undefined) throw fail(`${JSON.stringify(key)} needs a value (key=value, or key value)`);
    return [[key, unquote(m[2].trim())]];
  }
  return words.map((w, i) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw fail(`${JSON.stringify(raw[i])} is not of the form key=value`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function portSpecs(rest: string, fail: (why: string) => Error): string[] {
  const out: string[] = [];
  for (const spec of splitWords(rest).words) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
    const lo = Number(m?.[1]);
    const hi = m?.[2] === undefined ? lo : Number(m[2]);
    if (m === null || lo < 1 || hi > 65535 || hi < lo) throw fail(`invalid port ${JSON.stringify(spec)}`);
    const proto = (m[3] ?? 'tcp').toLowerCase();
    for (let p = lo; p <= hi; p++) out.push(`${p}/${proto}`);
  }
  return out;
}

const SIGNAL = /^(?:\d+|(?:SIG)?[A-Z][A-Z0-9]*(?:[+-]\d+)?)$/i;

/** The config with `changes` applied (a new object; `base` is not modified). */
export function applyChanges(changes: readonly string[], base: ContainerConfig = {}, context = 'import'): ContainerConfig {
  const c: ContainerConfig = structuredClone(base);
  let cmdSet = false;
  for (const change of changes) {
    for (const line of lines(change)) {
      const m = /^(\S+)\s*([\s\S]*)$/.exec(line);
      const keyword = (m?.[1] ?? '').toUpperCase();
      const rest = (m?.[2] ?? '').trim();
      const fail = (why: string) => invalidArgument(context, `--change ${show(line)}: ${why}`);
      const known = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];
      if (!known.includes(keyword)) throw invalidArgument(context, `unsupported --change instruction ${show(line)}`);
      if (rest === '') throw fail(`${keyword} needs an argument`);
      try {
        switch (keyword) {
          case 'CMD':
            c.Cmd = jsonArray(rest) ?? [...(c.Shell ?? DEFAULT_SHELL), rest];
            cmdSet = true;
            break;
          case 'ENTRYPOINT':
            c.Entrypoint = jsonArray(rest) ?? [...(c.Shell ?? DEFAULT_SHELL), rest];
            if (!cmdSet) delete c.Cmd;
            break;
          case 'ENV':
            for (const [k, v] of pairs(rest, fail)) {
              const env = (c.Env ?? []).filter((e) => e.split('=', 1)[0] !== k);
              env.push(`${k}=${v}`);
              c.Env = env;
            }
            break;
          case 'LABEL':
            for (const [k, v] of pairs(rest, fail)) c.Labels = { ...c.Labels, [k]: v };
            break;
          case 'EXPOSE':
            c.ExposedPorts ??= {};
            for (const p of portSpecs(rest, fail)) c.ExposedPorts[p] = {};
            break;
          case 'VOLUME': {
            const vols = jsonArray(rest) ?? splitWords(rest).words;
            c.Volumes ??= {};
            for (const v of vols) {
              if (v.trim() === '') throw fail('a volume path must not be empty');
              c.Volumes[v] = {};
            }
            break;
          }
          case 'WORKDIR': {
            const dir = unquote(rest);
            // A relative WORKDIR continues from the previous one, as in a Dockerfile.
            c.WorkingDir = path.posix.isAbsolute(dir) ? path.posix.normalize(dir) : path.posix.join('/', c.WorkingDir ?? '', dir);
            break;
          }
          case 'USER':
            c.User = unquote(rest);
            break;
          case 'STOPSIGNAL': {
            const sig = unquote(rest);
            if (!SIGNAL.test(sig)) throw fail(`invalid signal ${JSON.stringify(sig)}`);
            c.StopSignal = sig;
            break;
          }
          case 'ONBUILD': {
            const trigger = (/^\S+/.exec(rest)?.[0] ?? '').toUpperCase();
            if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(trigger)) throw fail(`${trigger} is not allowed as an ONBUILD trigger`);
            c.OnBuild = [...(c.OnBuild ?? []), rest];
            break;
          }
        }
      } catch (e) {
        // splitWords reports an unterminated quote as a plain Error.
        if (e instanceof Error && !isBerthError(e)) throw fail(e.message);
        throw e;
      }
    }
  }
  return c;
}
