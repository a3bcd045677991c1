import type { Command } from '../command.js';
import { display } from '../errors.js';
import { str } from '../flags.js';
import { parseTemplate } from '../output/go-template.js';
import { bytesSize } from '../output/units.js';
import { packageInfo } from '../package-info.js';

/**
 * info: the daemon's /info in docker's layout. `DaemonLog` — the file a
 * daemon started by the CLI logs to — is read from /info when the daemon
 * reports it, and shown as "Daemon Log".
 */
type Info = Record<string, unknown> & {
  Containers?: number;
  ContainersRunning?: number;
  ContainersPaused?: number;
  ContainersStopped?: number;
  Warnings?: string[] | null;
};

export const info: Command = {
  usage: '[OPTIONS]',
  summary: 'Display system-wide information',
  flags: [{ name: 'format', short: 'f', value: true, help: 'Format output using a custom template' }],
  args: { max: 0 },
  async run(ctx, p) {
    const client = { Version: packageInfo().version, Context: 'default', Debug: false };
    let server: Info | undefined;
    let failure: unknown;
    try {
      server = await ctx.api().json<Info>('GET', '/info');
    } catch (e) {
      failure = e;
    }
    const format = str(p, 'format');
    if (format) {
      if (failure) throw failure;
      ctx.out(`${parseTemplate(format).render({ ...server, ClientInfo: client })}\n`);
      return 0;
    }
    ctx.out(`Client:\n Version:    ${client.Version}\n Context:    ${client.Context}\n Debug Mode: false\n\nServer:\n`);
    if (!server) {
      ctx.err(`${display(failure)}\n`);
      return 1;
    }
    ctx.out(serverText(server));
    for (const w of server.Warnings ?? []) ctx.err(`${w.startsWith('WARNING') ? w : `WARNING: ${w}`}\n`);
    return 0;
  },
};

/** The "Server:" section, lines in docker's order, only for what the daemon reports. */
export function serverText(i: Info): string {
  const out: string[] = [];
  const line = (label: string, v: unknown, indent = ' ') => {
    if (v !== undefined && v !== null && v !== '') out.push(`${indent}${label}: ${String(v)}`);
  };
  line('Containers', i.Containers ?? 0);
  line('Running', i.ContainersRunning ?? 0, '  ');
  line('Paused', i.ContainersPaused ?? 0, '  ');
  line('Stopped', i.ContainersStopped ?? 0, '  ');
  line('Images', i['Images']);
  line('Server Version', i['ServerVersion']);
  line('Storage Driver', i['Driver']);
  line('Logging Driver', i['LoggingDriver']);
  line('Cgroup Driver', i['CgroupDriver']);
  line('Cgroup Version', i['CgroupVersion']);
  const runtimes = Object.keys((i['Runtimes'] as Record<string, unknown> | undefined) ?? {});
  if (runtimes.length > 0) line('Runtimes', runtimes.join(' '));
  line('Default Runtime', i['DefaultRuntime']);
  const security = (i['SecurityOptions'] as string[] | undefined) ?? [];
  if (security.length > 0) {
    out.push(' Security Options:');
    for (const s of security) {
      const kv = Object.fromEntries(s.split(',').map((f) => f.split('=') as [string, string]));
      out.push(`  ${kv['name'] ?? s}`);
      for (const [k, v] of Object.entries(kv)) if (k !== 'name') out.push(`   ${k[0]?.toUpperCase()}${k.slice(1)}: ${v}`);
    }
  }
  line('Kernel Version', i['KernelVersion']);
  line('Operating System', i['OperatingSystem']);
  line('OSType', i['OSType']);
  line('Architecture', i['Architecture']);
  line('CPUs', i['NCPU']);
  if (typeof i['MemTotal'] === 'number') line('Total Memory', bytesSize(i['MemTotal']));
  line('Name', i['Name']);
  line('ID', i['ID']);
  line('Berth Root Dir', i['DockerRootDir']);
  line('Daemon Log', i['DaemonLog']);
  line('Debug Mode', i['Debug'] ?? false);
  line('Experimental', i['ExperimentalBuild'] ?? false);
  const insecure = ((i['RegistryConfig'] as { InsecureRegistryCIDRs?: string[] } | undefined)?.InsecureRegistryCIDRs ?? []);
  if (insecure.length > 0) out.push(' Insecure Registries:', ...insecure.map((r) => `  ${r}`));
  line('Live Restore Enabled', i['LiveRestoreEnabled'] ?? false);
  return `${out.join('\n')}\n`;
}
