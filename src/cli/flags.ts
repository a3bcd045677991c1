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
        const v = eq > 0 ? arg.slice(eq + 1) : 'true';
        if (v !== 'true' && v !== 'false') throw new FlagError(`invalid boolean value "${v}" for --${name}`);
        set(def, v);
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j] as string;
        const def = byShort(c);
        if (!def) throw new FlagError(`unknown shorthand flag: '${c}' in ${arg}`);
        if (!def.value) {
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
