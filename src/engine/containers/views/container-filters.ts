import { invalidArgument } from '../../../errors.js';
import type { ContainerRecord } from '../container.js';

export type Filters = ReadonlyMap<string, readonly string[]>;

const KNOWN = new Set(['id', 'name', 'label', 'status', 'exited', 'ancestor', 'before', 'since']);
const STATUSES = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']);

/**
 * `docker ps --filter`: each filter name must match one of its values
 * (values of one name are alternatives, names combine with AND).
 */
export function filterContainers(all: ContainerRecord[], filters: Filters, imageIdOf: (name: string) => string | undefined): ContainerRecord[] {
  for (const [name, values] of filters) {
    if (!KNOWN.has(name)) throw invalidArgument('', `invalid filter '${name}'`);
    if (name === 'status') for (const v of values) if (!STATUSES.has(v)) throw invalidArgument('', `invalid filter 'status=${v}'`);
  }
  const created = (ref: string) => all.find((r) => r.id.startsWith(ref) || r.name === ref.replace(/^\//, ''))?.created;
  return all.filter((r) =>
    [...filters].every(([name, values]) =>
      values.some((v) => {
        switch (name) {
          case 'id':
            return r.id.startsWith(v);
          case 'name':
            return new RegExp(v).test(r.name) || new RegExp(v).test(`/${r.name}`);
          case 'label': {
            const eq = v.indexOf('=');
            const labels = r.config.Labels ?? {};
            return eq < 0 ? v in labels : labels[v.slice(0, eq)] === v.slice(eq + 1);
          }
          case 'status':
            return r.state.status === v;
          case 'exited':
            return r.state.status === 'exited' && String(r.state.exitCode) === v;
          case 'ancestor':
            return r.imageName === v || r.imageId === v || r.imageId === `sha256:${v}` || imageIdOf(v) === r.imageId;
          case 'before': {
            const c = created(v);
            return c !== undefined && r.created < c;
          }
          case 'since': {
            const c = created(v);
            return c !== undefined && r.created > c;
          }
          default:
            return false;
        }
      }),
    ),
  );
}
