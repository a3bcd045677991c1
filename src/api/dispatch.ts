import type { Action } from './actions.js';
import type { ApiContext } from './context.js';
import * as images from './image-handlers.js';
import type { Reply } from './reply.js';
import * as system from './system-handlers.js';
import * as archive from './archive-handlers.js';
import * as containers from './container-handlers.js';
import * as events from './event-handlers.js';
import * as execs from './exec-handlers.js';
import * as networks from './network-handlers.js';
import * as streams from './stream-handlers.js';
import * as volumes from './volume-handlers.js';

/** Carries out one action. The switch is exhaustive: a new kind of action does not compile until it is handled. */
export async function dispatch(ctx: ApiContext, a: Action): Promise<Reply> {
  switch (a.kind) {
    case 'ping':
      return system.ping();
    case 'version':
      return system.version(ctx);
    case 'info':
      return system.info(ctx);
    case 'auth':
      return system.auth(ctx, a.serverAddress, a.credentials);
    case 'imageList':
      return images.list(ctx, a);
    case 'imageInspect':
      return images.inspect(ctx, a);
    case 'imageHistory':
      return images.history(ctx, a);
    case 'imageTag':
      return images.tag(ctx, a);
    case 'imageRemove':
      return images.remove(ctx, a);
    case 'imagePull':
      return images.pull(ctx, a);
    case 'imageImport':
      return images.importImage(ctx, a);
    case 'imagePush':
      return images.push(ctx, a);
    case 'imageLoad':
      return images.load(ctx, a);
    case 'imageSave':
      return images.save(ctx, a);
    case 'imagePrune':
      return images.prune(ctx, a);
    case 'containerCreate':
      return containers.create(ctx, a);
    case 'containerList':
      return containers.list(ctx, a);
    case 'containerInspect':
      return containers.inspect(ctx, a);
    case 'containerStart':
      return containers.start(ctx, a);
    case 'containerStop':
      return containers.stop(ctx, a);
    case 'containerRestart':
      return containers.restart(ctx, a);
    case 'containerKill':
      return containers.kill(ctx, a);
    case 'containerPause':
      return containers.pause(ctx, a);
    case 'containerUnpause':
      return containers.unpause(ctx, a);
    case 'containerRemove':
      return containers.remove(ctx, a);
    case 'containerRename':
      return containers.rename(ctx, a);
    case 'containerWait':
      return containers.wait(ctx, a);
    case 'containerResize':
      return containers.resize(ctx, a);
    case 'containerTop':
      return containers.topProcesses(ctx, a);
    case 'containerPrune':
      return containers.prune(ctx, a);
    case 'containerLogs':
      return streams.logs(ctx, a);
    case 'containerAttach':
      return streams.attach(ctx, a);
    case 'containerStats':
      return streams.stats(ctx, a);
    case 'containerArchiveStat':
      return archive.stat(ctx, a);
    case 'containerArchiveGet':
      return archive.get(ctx, a);
    case 'containerArchivePut':
      return archive.put(ctx, a);
    case 'execCreate':
      return execs.create(ctx, a);
    case 'execStart':
      return execs.start(ctx, a);
    case 'execResize':
      return execs.resize(ctx, a);
    case 'execInspect':
      return execs.inspect(ctx, a);
    case 'volumeCreate':
      return volumes.create(ctx, a);
    case 'volumeList':
      return volumes.list(ctx, a);
    case 'volumeInspect':
      return volumes.inspect(ctx, a);
    case 'volumeRemove':
      return volumes.remove(ctx, a);
    case 'volumePrune':
      return volumes.prune(ctx, a);
    case 'events':
      return events.events(ctx, a);
    case 'systemDf':
      return system.df(ctx);
    case 'networkList':
      return networks.list(ctx, a);
    case 'networkInspect':
      return networks.inspect(ctx, a);
    case 'networkCreate':
      return networks.create(ctx, a);
    case 'networkRemove':
      return networks.remove(ctx, a);
    case 'networkConnect':
      return networks.connect(ctx, a);
    case 'networkDisconnect':
      return networks.disconnect(ctx, a);
    case 'networkPrune':
      return networks.prune(ctx, a);
    default: {
      const never: never = a;
      throw new Error(`unhandled action ${JSON.stringify(never)}`);
    }
  }
}
