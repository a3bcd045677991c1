import { Berthd, socketPathOf } from '../../api/index.js';
import type { CliContext } from '../context.js';
import { all, parseFlags, str } from '../flags.js';

/** Where berthd listens: -H/--host, BERTH_HOST, or the standard socket. */
export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';

export interface DaemonFacts {
  version: string;
  /** the berth-runtime binary next to this berth */
  runtimePath: string;
}

/**
 * daemon [--root DIR] [-H|--host unix:///PATH] [--insecure-registry HOST]...:
 * berthd in the foreground, logging to stderr, until SIGTERM or SIGINT;
 * then it stops listening, removes its socket and exits 0.
 */
export async function daemon(ctx: CliContext, argv: string[], facts: DaemonFacts): Promise<number> {
  const p = parseFlags(argv, [
    { name: 'root', value: true },
    { name: 'host', short: 'H', value: true },
    { name: 'insecure-registry', value: true, repeat: true },
  ]);
  const socket = socketPathOf(str(p, 'host') ?? (process.env['BERTH_HOST'] || DEFAULT_HOST));
  const log = (line: string) => ctx.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const insecure = [...(process.env['BERTH_INSECURE_REGISTRIES'] ?? '').split(',').filter(Boolean), ...all(p, 'insecure-registry')];
  const berthd = await Berthd.start({
    socket,
    root: str(p, 'root') ?? ctx.root,
    version: facts.version,
    runtimePath: facts.runtimePath,
    insecureRegistries: insecure,
    log,
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log(`${signal}: shutting down`);
  await berthd.close();
  log('stopped');
  return 0;
}
