import { invalidArgument } from '../errors.js';

export interface FlagSpec {
  /** names, e.g. ["--bundle", "-b"] */
  names: string[];
  /** takes a value (otherwise a boolean switch) */
  value?: boolean;
  /** may be given more than once; values collect in order */
  repeat?: boolean;
}

export interface Parsed {
  flags: Map<string, string[]>;
  positional: string[];
}

/**
 * runc-style arguments: `--flag value`, `--flag=value`, `-f value`, boolean
 * switches, and `--` or the first positional ending flag parsing when
 * `stopAtPositional` (so `exec ID sh -c x` passes `-c` to the command).
 */
export function parseArgs(argv: string[], specs: FlagSpec[], stopAtPositional = false): Parsed {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  const find = (name: string) => specs.find((s) => s.names.includes(name));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      if (stopAtPositional) {
        positional.push(...argv.slice(i + 1));
        break;
      }
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = find(name);
    if (!spec) throw invalidArgument(name, 'unknown flag');
    const key = spec.names[0] as string;
    let value = 'true';
    if (spec.value) {
      if (eq > 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i] as string;
      else throw invalidArgument(name, 'needs a value');
    } else if (eq > 0) {
      value = arg.slice(eq + 1);
    }
    const list = flags.get(key) ?? [];
    if (!spec.repeat) list.length = 0;
    list.push(value);
    flags.set(key, list);
  }
  return { flags, positional };
}

export function flag(p: Parsed, name: string): string | undefined {
  return p.flags.get(name)?.at(-1);
}

export function bool(p: Parsed, name: string): boolean {
  const v = flag(p, name);
  return v !== undefined && v !== 'false';
}

export function list(p: Parsed, name: string): string[] {
  return p.flags.get(name) ?? [];
}

export function onePositional(p: Parsed, what: string): string {
  const v = p.positional[0];
  if (v === undefined) throw invalidArgument(what, 'missing');
  return v;
}
