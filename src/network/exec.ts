/**
 * The one seam through which the network layer runs programs (ip, nft,
 * unshare, umount). Node has no netlink, mount(2) or setns(2), so these
 * tools are how we reach the kernel; a fake runner lets tests count or
 * script the calls.
 */
import { spawn } from 'node:child_process';

import { failedPrecondition, internal } from '../errors.js';

export interface Command {
  program: string;
  args: string[];
  /** Written to the program's stdin (an `ip -batch -` or `nft -f -` script). */
  input?: string;
}

/** Runs a command to completion and resolves with its stdout; rejects with a BerthError naming the program and its stderr. */
export type CommandRunner = (cmd: Command) => Promise<string>;

const PACKAGE: Record<string, string> = {
  ip: 'iproute2',
  nft: 'nftables',
  unshare: 'util-linux',
  nsenter: 'util-linux',
  umount: 'mount',
};

export const runCommand: CommandRunner = ({ program, args, input }) =>
  new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? failedPrecondition(`program "${program}"`, `not installed (Debian package ${PACKAGE[program] ?? program})`)
          : internal(program, e.message, e),
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(Buffer.concat(out).toString('utf8'));
        return;
      }
      const stderr = Buffer.concat(err).toString('utf8').trim();
      const how = signal ? `killed by ${signal}` : `exit status ${code}`;
      reject(internal(`${program} ${args.join(' ')}`, stderr || how));
    });
    // A program that exits before reading its input closes the pipe: EPIPE
    // here is not the failure worth reporting, the exit status is.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });

/** Whether a failed command's message says the object was already gone (deleting twice is not an error). */
export function isGone(e: unknown): boolean {
  const m = e instanceof Error ? e.message : '';
  return /Cannot find device|No such file or directory|does not exist|not mounted|no mount point/i.test(m);
}
