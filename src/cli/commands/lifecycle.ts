/** The verbs that do one thing to each named container and print its name: stop, kill, restart, pause, unpause. */
import type { Command } from '../command.js';
import { forEachName } from '../container/each.js';
import { int, str } from '../flags.js';

const TIME = { name: 'time', short: 't', value: true, type: 'int', help: 'Seconds to wait before killing the container' };
const SIGNAL = { name: 'signal', short: 's', value: true, help: 'Signal to send to the container' };

export const stop: Command = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Stop one or more running containers',
  flags: [SIGNAL, TIME, { name: 'timeout', value: true, type: 'int', help: 'Seconds to wait before killing the container (same as --time)' }],
  args: { min: 1 },
  run(ctx, p) {
    const query = { signal: str(p, 'signal'), t: int(p, TIME) ?? int(p, { name: 'timeout' }) };
    return forEachName(ctx, p.args, (n) => ctx.api().call('POST', `/containers/${n}/stop`, { query }));
  },
};

export const restart: Command = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Restart one or more containers',
  flags: [SIGNAL, TIME],
  args: { min: 1 },
  run(ctx, p) {
    const query = { signal: str(p, 'signal'), t: int(p, TIME) };
    return forEachName(ctx, p.args, (n) => ctx.api().call('POST', `/containers/${n}/restart`, { query }));
  },
};

export const kill: Command = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Kill one or more running containers',
  flags: [SIGNAL],
  args: { min: 1 },
  run(ctx, p) {
    const query = { signal: str(p, 'signal') };
    return forEachName(ctx, p.args, (n) => ctx.api().call('POST', `/containers/${n}/kill`, { query }));
  },
};

export const pause: Command = {
  usage: 'CONTAINER [CONTAINER...]',
  summary: 'Pause all processes within one or more containers',
  flags: [],
  args: { min: 1 },
  run: (ctx, p) => forEachName(ctx, p.args, (n) => ctx.api().call('POST', `/containers/${n}/pause`)),
};

export const unpause: Command = {
  usage: 'CONTAINER [CONTAINER...]',
  summary: 'Unpause all processes within one or more containers',
  flags: [],
  args: { min: 1 },
  run: (ctx, p) => forEachName(ctx, p.args, (n) => ctx.api().call('POST', `/containers/${n}/unpause`)),
};
