/**
 * `process` of the spec: what runs (entrypoint and command, behind an init
 * with --init), as whom, where, with which environment, terminal,
 * capabilities, rlimits and OOM score, as moby's WithCommonOptions,
 * WithUser, WithCapabilities, WithRlimits and WithOOMScore set them.
 */
import path from 'node:path';

import { invalidArgument } from '../../../errors.js';
import type { Process } from '../../../oci/spec.js';
import { type SecurityOptions, ulimitsToRlimits } from '../config/index.js';
import { capabilitySets } from './capabilities.js';
import { containerEnv } from './env.js';
import type { SpecInput } from './spec-input.js';

/** Where Docker puts the init binary inside the container. */
export const INIT_PATH_IN_CONTAINER = '/sbin/docker-init';

/** Whether --init applies: only in a pid namespace of the container's own, where it is pid 1. */
export function wantsInit(input: SpecInput): boolean {
  const pidMode = input.hostConfig.PidMode ?? '';
  return input.hostConfig.Init === true && pidMode === '';
}

function args(input: SpecInput): string[] {
  const { Entrypoint = [], Cmd = [] } = input.config;
  const command = [...Entrypoint, ...Cmd];
  if (command.length === 0 || command[0] === '') throw invalidArgument('', 'no command specified');
  if (!wantsInit(input)) return command;
  if (!input.initPath) {
    throw invalidArgument('HostConfig.Init', 'no init binary (docker-init or tini) is available on this host; run without --init');
  }
  return [INIT_PATH_IN_CONTAINER, '--', ...command];
}

/** Docker's cwd: the cleaned WorkingDir, or "/". */
function cwd(workingDir: string | undefined): string {
  return workingDir ? path.posix.resolve('/', workingDir) : '/';
}

export function buildProcess(input: SpecInput, hostname: string, caps: readonly string[], security: SecurityOptions): Process {
  const { config, hostConfig } = input;
  const tty = config.Tty === true;
  const user: Process['user'] = { uid: input.user.uid, gid: input.user.gid };
  if (input.user.additionalGids.length > 0) user.additionalGids = [...input.user.additionalGids];
  const process: Process = {
    terminal: tty,
    user,
    args: args(input),
    env: containerEnv(hostname, tty, config.Env),
    cwd: cwd(config.WorkingDir),
    capabilities: capabilitySets(caps),
    noNewPrivileges: security.noNewPrivileges,
    // Always set, as dockerd does: the container must not inherit the daemon's own score.
    oomScoreAdj: hostConfig.OomScoreAdj ?? 0,
  };
  const [height = 0, width = 0] = hostConfig.ConsoleSize ?? [];
  if (tty && (height > 0 || width > 0)) process.consoleSize = { height, width };
  // Without Ulimits the container keeps the limits it is started with, as with Docker's empty default.
  const rlimits = ulimitsToRlimits(hostConfig.Ulimits);
  if (rlimits.length > 0) process.rlimits = rlimits;
  return process;
}
