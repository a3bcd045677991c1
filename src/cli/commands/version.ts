import os from 'node:os';

import type { Command } from '../command.js';
import { API_VERSION } from '../client/api-client.js';
import { display } from '../errors.js';
import { str } from '../flags.js';
import { parseTemplate } from '../output/go-template.js';
import { packageInfo } from '../package-info.js';

const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

interface ServerVersion {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  GitCommit?: string;
  BuildTime?: string;
  Platform?: { Name: string };
}

/** version: this client, then the daemon (docker's layout; --format sees .Client and .Server with docker's field names). */
export const version: Command = {
  usage: '[OPTIONS]',
  summary: 'Show the berth version information',
  flags: [{ name: 'format', short: 'f', value: true, help: 'Format output using a custom template' }],
  args: { max: 0 },
  async run(ctx, p) {
    const client = {
      Platform: { Name: 'berth' },
      Version: packageInfo().version,
      ApiVersion: API_VERSION,
      APIVersion: API_VERSION,
      DefaultAPIVersion: API_VERSION,
      NodeVersion: process.versions.node,
      Os: os.platform(),
      Arch: GO_ARCH[process.arch] ?? process.arch,
      Context: 'default',
    };
    let server: (ServerVersion & { APIVersion: string }) | undefined;
    let failure: unknown;
    try {
      const v = await ctx.api().json<ServerVersion>('GET', '/version');
      server = { ...v, APIVersion: v.ApiVersion };
    } catch (e) {
      failure = e;
    }
    const format = str(p, 'format');
    if (format) {
      ctx.out(`${parseTemplate(format).render({ Client: client, Server: server ?? null })}\n`);
    } else {
      const line = (k: string, v: string, indent = ' ') => `${indent}${`${k}:`.padEnd(indent.length > 1 ? 18 : 19)}${v}\n`;
      ctx.out(`Client:\n${line('Version', client.Version)}${line('API version', client.APIVersion)}${line('Node.js version', client.NodeVersion)}${line('OS/Arch', `${client.Os}/${client.Arch}`)}${line('Context', client.Context)}`);
      if (server) {
        const min = server.MinAPIVersion ? ` (minimum version ${server.MinAPIVersion})` : '';
        ctx.out(`\nServer: ${server.Platform?.Name ?? 'berth'}\n Engine:\n${line('Version', server.Version, '  ')}${line('API version', `${server.ApiVersion}${min}`, '  ')}${line('OS/Arch', `${server.Os}/${server.Arch}`, '  ')}${line('Kernel version', server.KernelVersion ?? '', '  ')}`);
      }
    }
    if (failure) {
      ctx.err(`${display(failure)}\n`);
      return 1;
    }
    return 0;
  },
};
