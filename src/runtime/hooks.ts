import { spawn } from 'node:child_process';

import { failedPrecondition } from '../errors.js';
import type { Hook, State } from '../oci/spec.js';

/**
 * Runs OCI hooks in order on the host, each with the container's state JSON
 * on stdin, as the runtime spec requires. A hook that fails or overruns its
 * timeout fails the operation (except poststop, whose caller only warns).
 */
export async function runHooks(kind: string, hooks: Hook[] | undefined, state: State): Promise<void> {
  for (const [i, hook] of (hooks ?? []).entries()) {
    await runHook(`hooks.${kind}[${i}]`, hook, state);
  }
}

function runHook(field: string, hook: Hook, state: State): Promise<void> {
  return new Promise((resolve, reject) => {
    const [argv0, ...args] = hook.args && hook.args.length > 0 ? hook.args : [hook.path];
    const child = spawn(hook.path, args, {
      argv0: argv0 ?? hook.path,
      env: Object.fromEntries((hook.env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])),
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()).length > 4096 && (stderr = stderr.slice(-4096)));
    const timer = hook.timeout
      ? setTimeout(() => {
          child.kill('SIGKILL');
          reject(failedPrecondition(field, `${hook.path}: timed out after ${hook.timeout}s`));
        }, hook.timeout * 1000)
      : undefined;
    child.stdin.on('error', () => {});
    child.stdin.end(JSON.stringify(state));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(failedPrecondition(field, `${hook.path}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(failedPrecondition(field, `${hook.path} exited with ${signal ?? code}${stderr ? `: ${stderr.trim()}` : ''}`));
    });
  });
}
