/**
 * The `berth` command. Today it knows its version and points at the
 * runtime; the container verbs (run, ps, exec, …) arrive with the daemon
 * and speak to it over the Docker Engine API.
 */
import { readFileSync } from 'node:fs';

const USAGE = `usage: berth COMMAND

commands:
  version     print berth's version
  help        this text

The OCI runtime is available now as berth-runtime (runc's command line):
  berth-runtime spec && berth-runtime run --bundle . mycontainer
`;

export function main(argv: string[]): number {
  const [verb] = argv;
  if (verb === 'version' || verb === '--version') {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`berth ${pkg.version}\n`);
    return 0;
  }
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    process.stdout.write(USAGE);
    return verb === undefined ? 1 : 0;
  }
  process.stderr.write(`berth: unknown command "${verb}"\n${USAGE}`);
  return 1;
}
