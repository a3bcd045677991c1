import type { Engine } from '../engine/engine.js';
import type { ImageService } from '../engine/images/image-service.js';

/** What the handlers work with: the engine's services and a few facts about this daemon. */
export interface ApiContext {
  engine: Engine;
  images: ImageService;
  /** berth's root (/var/lib/berth) */
  root: string;
  /** berth's version, as in package.json */
  version: string;
  /** the OCI runtime binary containers run with */
  runtimePath: string;
  /** registries that may be reached over plain HTTP (as for pulls) */
  insecureRegistries: string[];
  /** where the daemon writes its log, when it writes one (/info's DaemonLog) */
  daemonLog?: string;
}
