import type { Action } from './actions.js';
import type { ApiContext } from './context.js';
import * as images from './image-handlers.js';
import type { Reply } from './reply.js';
import * as system from './system-handlers.js';

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
    default: {
      const never: never = a;
      throw new Error(`unhandled action ${JSON.stringify(never)}`);
    }
  }
}
