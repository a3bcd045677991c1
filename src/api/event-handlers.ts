/** `GET /events`: what happened since `since`, then what happens, until `until` or the client leaves. */
import { invalidArgument } from '../errors.js';
import type { EngineEvent } from '../engine/events/event-bus.js';
import type { Action } from './actions.js';
import type { ApiContext } from './context.js';
import type { Reply } from './reply.js';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;

const FILTERS = new Set(['type', 'event', 'container', 'image', 'label', 'volume', 'network', 'daemon', 'scope']);

export function events(ctx: ApiContext, a: Of<'events'>): Reply {
  for (const name of a.filters.keys()) if (!FILTERS.has(name)) throw invalidArgument('', `invalid filter '${name}'`);
  const matches = (e: EngineEvent) => matchEvent(e, a.filters);
  return {
    type: 'stream',
    run: async (res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      const send = (e: EngineEvent) => {
        if (matches(e) && (a.until === undefined || e.timeNano <= a.until)) res.write(`${JSON.stringify(e)}\n`);
      };
      if (a.since !== undefined) for (const e of ctx.engine.events.since(a.since)) send(e);
      const nowNano = Date.now() * 1e6;
      if (a.until !== undefined && a.until <= nowNano) {
        res.end();
        return;
      }
      await new Promise<void>((resolve) => {
        const unsubscribe = ctx.engine.events.subscribe(send);
        const done = () => {
          unsubscribe();
          clearTimeout(timer);
          resolve();
        };
        const timer = a.until !== undefined ? setTimeout(done, (a.until - nowNano) / 1e6) : undefined;
        res.on('close', done);
      });
      res.end();
    },
  };
}

function matchEvent(e: EngineEvent, filters: ReadonlyMap<string, readonly string[]>): boolean {
  for (const [name, values] of filters) {
    const ok = values.some((v) => {
      switch (name) {
        case 'type':
          return e.Type === v;
        case 'event':
          return e.Action === v || e.Action.startsWith(`${v}:`);
        case 'container':
          return e.Type === 'container' && (e.Actor.ID.startsWith(v) || e.Actor.Attributes['name'] === v);
        case 'image':
          return e.Actor.Attributes['image'] === v || (e.Type === 'image' && e.Actor.ID === v);
        case 'volume':
          return e.Type === 'volume' && e.Actor.ID === v;
        case 'label': {
          const eq = v.indexOf('=');
          return eq < 0 ? v in e.Actor.Attributes : e.Actor.Attributes[v.slice(0, eq)] === v.slice(eq + 1);
        }
        default:
          return true;
      }
    });
    if (!ok) return false;
  }
  return true;
}
