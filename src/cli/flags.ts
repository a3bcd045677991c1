/**
 * Docker-style command-line flags: `--name value`, `--name=value`, `-n value`,
 * combined short switches (`-it`), a short flag with its value attached
 * (`-p8080:80`), repeatable flags, and `--` ending the flags. Flags stop at
 * the first positional argument when the command takes a command line of its
 * own (`run IMAGE sh -c …`).
 */
export interface FlagDef {
  /** long name without dashes: "name" */
  name: string;
  /** one-letter short name: "d" */
  short?: string;
  /** takes a value (otherwise a boolean switch) */
  value?: boolean;
  /** may repeat; values collect in order */
  repeat?: boolean;
  /** one line of help */
  help?: string;
  /** the value's kind in help ("string", "int", "bytes"); "list" for repeatable flags */
  type?: string;
}

export class FlagError extends Error {
  override name = 'FlagError';
}

export interface ParsedFlags {
  values: Map<string, string[]>;
  args: string[];
}

export function parseFlags(argv: string[], defs: FlagDef[], stopAtFirstArg = false): ParsedFlags {
  const values = new Map<string, string[]>();
  const args: string[] = [];
  const set = (def: FlagDef, value: string) => {
    const list = def.repeat ? (values.get(def.name) ?? []) : [];
    list.push(value);
    values.set(def.name, list);
  };
  const byLong = (n: string) => defs.find((d) => d.name === n);
  const byShort = (c: string) => defs.find((d) => d.short === c);
  const boolValue = (v: string, label: string) => {
    if (v !== 'true' && v !== 'false') throw new FlagError(`invalid argument "${v}" for "${label}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      const def = byLong(name);
      if (!def) throw new FlagError(`unknown flag: --${name}`);
      if (def.value) {
        if (eq > 0) set(def, arg.slice(eq + 1));
        else if (i + 1 < argv.length) set(def, argv[++i] as string);
        else throw new FlagError(`flag needs an argument: --${name}`);
      } else {
        set(def, eq > 0 ? boolValue(arg.slice(eq + 1), flagLabel(def)) : 'true');
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j] as string;
        const def = byShort(c);
        if (!def) throw new FlagError(`unknown shorthand flag: '${c}' in ${arg}`);
        if (!def.value) {
          if (arg[j + 1] === '=') {
            set(def, boolValue(arg.slice(j + 2), flagLabel(def)));
            break;
          }
          set(def, 'true');
          continue;
        }
        const rest = arg.slice(j + 1).replace(/^=/, '');
        if (rest) set(def, rest);
        else if (i + 1 < argv.length) set(def, argv[++i] as string);
        else throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
        break;
      }
    } else {
      args.push(arg);
      if (stopAtFirstArg) {
        args.push(...argv.slice(i + 1));
        break;
      }
    }
  }
  return { values, args };
}

export const str = (p: ParsedFlags, name: string): string | undefined => p.values.get(name)?.at(-1);
export const bool = (p: ParsedFlags, name: string): boolean => str(p, name) === 'true';
export const all = (p: ParsedFlags, name: string): string[] => p.values.get(name) ?? [];
export const has = (p: ParsedFlags, name: string): boolean => p.values.has(name);

/** "-t, --time" or "--cpus": how docker names a flag in its messages. */
export function flagLabel(def: Pick<FlagDef, 'name' | 'short'>): string {
  return def.short ? `-${def.short}, --${def.name}` : `--${def.name}`;
}

/** docker's message for a flag value that does not parse. */
export function invalidFlag(def: Pick<FlagDef, 'name' | 'short'>, value: string, why: string): FlagError {
  return new FlagError(`invalid argument "${value}" for "${flagLabel(def)}" flag: ${why}`);
}

/** An integer flag, refused with Go's words when it is not one. */
export function int(p: ParsedFlags, def: Pick<FlagDef, 'name' | 'short'>): number | undefined {
  const v = str(p, def.name);
  if (v === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(v.trim())) throw invalidFlag(def, v, `strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}
