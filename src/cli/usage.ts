/** `berth --help`: the verbs, grouped as docker groups them, and where berth keeps things. */
import { COMMANDS, GROUPS } from './commands/index.js';

const COMMON = ['run', 'exec', 'ps', 'pull', 'push', 'images', 'login', 'logout', 'version', 'info'];

function list(names: string[], summary: (n: string) => string): string {
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return names.map((n) => `  ${n.padEnd(Math.max(width, 12))}${summary(n)}`).join('\n');
}

export function usage(): string {
  const others = Object.keys(COMMANDS).filter((n) => !COMMON.includes(n)).sort();
  const summary = (n: string) => COMMANDS[n]?.summary ?? '';
  return `
Usage:  berth [OPTIONS] COMMAND

A container engine for Linux, driven through the Docker Engine API

Common Commands:
${list(COMMON, summary)}

Management Commands:
${list(Object.keys(GROUPS), (n) => GROUPS[n]?.summary ?? '')}

Commands:
${list(others, summary)}

Global Options:
      --config string      Location of client config files (default "~/.docker"; DOCKER_CONFIG)
  -D, --debug              Show stack traces of errors
      --exec-root string   Runtime state: sockets, and the log of a daemon the CLI started
                           (default "/run/berth"; BERTH_EXEC_ROOT)
  -H, --host string        Daemon socket to connect to (default "unix://<exec-root>/berth.sock";
                           BERTH_HOST)
      --root string        Persistent state, for a daemon the CLI starts (default "/var/lib/berth";
                           BERTH_ROOT)
  -v, --version            Print version information and quit

When nothing answers on the default socket, berth starts its daemon there
itself (\`berth daemon\`, in the background, logging to <exec-root>/berthd.log;
\`berth info\` shows where). With -H or BERTH_HOST it never does.

Run 'berth COMMAND --help' for more information on a command.
`;
}
