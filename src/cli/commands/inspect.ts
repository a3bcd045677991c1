import type { Command } from '../command.js';
import type { ApiClient } from '../client/api-client.js';
import { ApiError, isNotFound, MultiError } from '../errors.js';
import { bool, str } from '../flags.js';
import { parseTemplate } from '../output/go-template.js';

type Kind = 'container' | 'image' | 'volume';

const PATHS: Record<Kind, (name: string, size: boolean) => [string, Record<string, boolean | undefined>]> = {
  container: (n, size) => [`/containers/${n}/json`, { size: size || undefined }],
  image: (n) => [`/images/${n}/json`, {}],
  volume: (n) => [`/volumes/${n}`, {}],
};

/**
 * inspect [--type T] [-f FORMAT] NAME...: docker's JSON array (or one
 * rendered template per object). Without --type a name is looked up as a
 * container, then an image, then a volume. Missing ones are reported after
 * the others are printed, and the exit code is 1.
 */
export function inspectCommand(fixed?: Kind): Command {
  const what = fixed ?? 'object';
  return {
    usage: `[OPTIONS] ${fixed ? fixed.toUpperCase() : 'NAME|ID'} [${fixed ? fixed.toUpperCase() : 'NAME|ID'}...]`,
    summary: fixed ? `Display detailed information on one or more ${fixed}s` : 'Return low-level information on berth objects',
    flags: [
      { name: 'format', short: 'f', value: true, help: 'Format output using a custom template' },
      ...(fixed ? [] : [{ name: 'type', value: true, help: 'Only inspect objects of the given type' }]),
      ...(fixed === 'image' || fixed === 'volume' ? [] : [{ name: 'size', short: 's', help: 'Display total file sizes if the type is container' }]),
    ],
    args: { min: 1 },
    async run(ctx, p) {
      const type = fixed ?? (str(p, 'type') as Kind | undefined);
      if (type !== undefined && !(type in PATHS)) throw new Error(`"${type}" is not a valid value for --type`);
      const kinds: Kind[] = type ? [type] : ['container', 'image', 'volume'];
      const found: unknown[] = [];
      const errors: unknown[] = [];
      for (const name of p.args) {
        try {
          found.push(await lookup(ctx.api(), name, kinds, bool(p, 'size')));
        } catch (e) {
          errors.push(isNotFound(e) && !type ? new Error(`Error: No such ${what}: ${name}`) : e);
        }
      }
      const format = str(p, 'format');
      if (format) {
        const t = parseTemplate(format);
        ctx.out(found.map((f) => `${t.render(f)}\n`).join(''));
      } else {
        ctx.out(`${JSON.stringify(found, null, 4)}\n`);
      }
      if (errors.length > 0) throw new MultiError(errors);
      return 0;
    },
  };
}

async function lookup(api: ApiClient, name: string, kinds: Kind[], size: boolean): Promise<unknown> {
  let last: unknown;
  for (const kind of kinds) {
    const [path, query] = PATHS[kind](name, size);
    try {
      return await api.json('GET', path, { query });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
      last = e;
    }
  }
  throw last;
}

export const inspect = inspectCommand();
