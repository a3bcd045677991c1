import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { Berthd as BerthdType } from '../../api/index.js';
import { execRootOf, socketPathOf } from '../client/host.js';
import type { Command } from '../command.js';
import { all, str } from '../flags.js';
import { packageInfo } from '../package-info.js';

/**
 * daemon: berthd in the foreground, logging to stderr (or appending to
 * --log-file), until SIGTERM or SIGINT; then it stops listening, removes
 * its socket and pid file (`<exec-root>/berthd.pid`) and exits 0. This is
 * also what the CLI starts in the background when nothing answers.
 */
export const daemon: Command = {
  usage: '[OPTIONS]',
  summary: 'Run berthd, the Docker Engine API server, in the foreground',
  flags: [
    { name: 'bridge', short: 'b', value: true, help: 'Device name of the default bridge (default "berth0", or BERTH_BRIDGE)' },
    { name: 'nft-table', value: true, help: 'The nftables table (inet) that holds every rule berth adds (default "berth", or BERTH_NFT_TABLE)' },
    { name: 'cgroup-parent', value: true, help: 'Cgroup every container goes under (default "berth", or BERTH_CGROUP_PARENT)' },
    { name: 'exec-root', value: true, help: 'Root of the runtime state: sockets, shims (default "/run/berth")' },
    { name: 'host', short: 'H', value: true, help: 'Socket to listen on (default "unix://<exec-root>/berth.sock")' },
    { name: 'insecure-registry', value: true, repeat: true, help: 'Registries reachable over plain HTTP' },
    { name: 'log-file', value: true, help: `Append the daemon's log to this file (the CLI's auto-start uses <exec-root>/berthd.log)` },
    { name: 'root', value: true, help: 'Root of persistent state (default "/var/lib/berth")' },
  ],
  args: { max: 0 },
  async run(ctx, p) {
    const pkg = packageInfo();
    const execRoot = execRootOf(str(p, 'exec-root') ?? ctx.options.execRoot);
    const socket = socketPathOf(str(p, 'host') ?? ctx.options.host ?? (process.env['BERTH_HOST'] || `unix://${path.join(execRoot, 'berth.sock')}`));
    const logFile = str(p, 'log-file');
    const log = (line: string) => {
      const text = `${new Date().toISOString()} ${line}\n`;
      if (logFile) appendFileSync(logFile, text);
      else ctx.err(text);
    };
    const insecure = [...(process.env['BERTH_INSECURE_REGISTRIES'] ?? '').split(',').filter(Boolean), ...all(p, 'insecure-registry')];
    // Loaded only here: every other command is a client, and starts faster without the daemon's code.
    const { Berthd }: { Berthd: typeof BerthdType } = await import('../../api/index.js');
    const berthd = await Berthd.start({
      socket,
      root: str(p, 'root') ?? ctx.options.root ?? (process.env['BERTH_ROOT'] || '/var/lib/berth'),
      execRoot,
      ...setting(str(p, 'cgroup-parent'), 'BERTH_CGROUP_PARENT', 'cgroupParent'),
      ...setting(str(p, 'bridge'), 'BERTH_BRIDGE', 'bridge'),
      ...setting(str(p, 'nft-table'), 'BERTH_NFT_TABLE', 'nftTable'),
      version: pkg.version,
      runtimePath: path.join(pkg.dir, 'bin', 'berth-runtime'),
      insecureRegistries: insecure,
      ...(logFile ? { daemonLog: logFile } : {}),
      log,
    });
    const pidFile = path.join(execRoot, 'berthd.pid');
    mkdirSync(execRoot, { recursive: true });
    writeFileSync(pidFile, `${process.pid}\n`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    log(`${signal}: shutting down`);
    await berthd.close();
    rmSync(pidFile, { force: true });
    log('stopped');
    return 0;
  },
};

/** A daemon setting from its flag, else its environment variable (what a CLI-started daemon inherits). */
function setting<K extends string>(flag: string | undefined, env: string, key: K): { [P in K]?: string } {
  const value = flag ?? (process.env[env] || undefined);
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}
