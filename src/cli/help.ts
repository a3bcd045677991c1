/** Help text: `berth --help` lists the verbs, `berth VERB --help` one verb's usage and options. */
import type { Command } from './command.js';
import type { FlagDef } from './flags.js';

export function commandHelp(path: string, cmd: Command): string {
  const options = cmd.flags.length > 0 ? `\nOptions:\n${optionLines(cmd.flags)}` : '';
  return `\nUsage:  ${path} ${cmd.usage}\n\n${cmd.summary}\n${options}`;
}

function optionLines(flags: FlagDef[]): string {
  const left = flags.map((f) => {
    const type = f.value ? ` ${f.type ?? (f.repeat ? 'list' : 'string')}` : '';
    return `${f.short ? `  -${f.short}, ` : '      '}--${f.name}${type}`;
  });
  const width = Math.max(...left.map((l) => l.length)) + 3;
  return flags.map((f, i) => `${(left[i] as string).padEnd(width)}${f.help ?? ''}`.trimEnd()).join('\n') + '\n';
}

/** `berth COMMAND` for a management command without its sub-verb: docker's listing of them. */
export function groupHelp(path: string, summary: string, verbs: Record<string, Command>, aliases: ReadonlySet<string>): string {
  const names = Object.keys(verbs).filter((n) => !aliases.has(n)).sort();
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = names.map((n) => `  ${n.padEnd(width)}${verbs[n]?.summary ?? ''}`).join('\n');
  return `\nUsage:  ${path} COMMAND\n\n${summary}\n\nCommands:\n${lines}\n\nRun '${path} COMMAND --help' for more information on a command.\n`;
}
