/**
 * The `berth` command. Today it knows its version and points at the
 * runtime; the container verbs (run, ps, exec, …) arrive with the daemon
 * and speak to it over the Docker Engine API.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
    process.stdout.write(`berth ${packageVersion()}\n`);
    return 0;
  }
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    process.stdout.write(USAGE);
    return verb === undefined ? 1 : 0;
  }
  process.stderr.write(`berth: unknown command "${verb}"\n${USAGE}`);
  return 1;
}

/** The version in berth's package.json, found upwards from this module (compiled or bundled). */
function packageVersion(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'berth' && pkg.version) return pkg.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
