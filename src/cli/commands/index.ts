/**
 * Every verb, under its top-level name and under docker's management
 * commands (`berth container ls`, `berth image rm`, `berth volume …`,
 * `berth system …`).
 */
import type { Command } from '../command.js';
import { attach } from './attach.js';
import { containerPrune } from './container-prune.js';
import { cp } from './cp.js';
import { create } from './create.js';
import { daemon } from './daemon.js';
import { events } from './events.js';
import { exec } from './exec.js';
import { history } from './history.js';
import { imagePrune } from './image-prune.js';
import { images } from './images.js';
import { importCommand } from './import.js';
import { info } from './info.js';
import { inspect, inspectCommand } from './inspect.js';
import { kill, pause, restart, stop, unpause } from './lifecycle.js';
import { load } from './load.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { logs } from './logs.js';
import { networkConnect, networkCreate, networkDisconnect, networkInspect, networkLs, networkPrune, networkRm } from './network.js';
import { port } from './port.js';
import { ps } from './ps.js';
import { pull } from './pull.js';
import { push } from './push.js';
import { rename } from './rename.js';
import { rm } from './rm.js';
import { rmi } from './rmi.js';
import { run } from './run.js';
import { save } from './save.js';
import { start } from './start.js';
import { stats } from './stats.js';
import { systemDf } from './system-df.js';
import { systemPrune } from './system-prune.js';
import { tag } from './tag.js';
import { top } from './top.js';
import { version } from './version.js';
import { volumeCreate, volumeInspect, volumeLs, volumePrune, volumeRm } from './volume.js';
import { wait } from './wait.js';

export const COMMANDS: Record<string, Command> = {
  run, exec, ps, pull, push, images, login, logout, version, info,
  attach, cp, create, events, history, import: importCommand, inspect, kill, load, logs, pause, port, rename,
  restart, rm, rmi, save, start, stats, stop, tag, top, unpause, wait, daemon,
};

export interface Group {
  summary: string;
  verbs: Record<string, Command>;
  /** other names of verbs, left out of the group's listing */
  aliases: ReadonlySet<string>;
}

export const GROUPS: Record<string, Group> = {
  container: {
    summary: 'Manage containers',
    verbs: {
      attach, cp, create, exec, inspect: inspectCommand('container'), kill, logs, ls: ps, list: ps, ps, pause, port, prune: containerPrune,
      rename, restart, rm, remove: rm, run, start, stats, stop, top, unpause, wait,
    },
    aliases: new Set(['list', 'ps', 'remove']),
  },
  image: {
    summary: 'Manage images',
    verbs: { history, import: importCommand, inspect: inspectCommand('image'), load, ls: images, list: images, prune: imagePrune, pull, push, rm: rmi, remove: rmi, save, tag },
    aliases: new Set(['list', 'remove']),
  },
  network: {
    summary: 'Manage networks',
    verbs: {
      connect: networkConnect, create: networkCreate, disconnect: networkDisconnect, inspect: networkInspect,
      ls: networkLs, list: networkLs, prune: networkPrune, rm: networkRm, remove: networkRm,
    },
    aliases: new Set(['list', 'remove']),
  },
  volume: {
    summary: 'Manage volumes',
    verbs: { create: volumeCreate, inspect: volumeInspect, ls: volumeLs, list: volumeLs, prune: volumePrune, rm: volumeRm, remove: volumeRm },
    aliases: new Set(['list', 'remove']),
  },
  system: {
    summary: 'Manage berth',
    verbs: { df: systemDf, events, info, prune: systemPrune },
    aliases: new Set(),
  },
};
