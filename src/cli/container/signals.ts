/**
 * `--sig-proxy`: signals this process receives are sent on to the
 * container (POST /containers/ID/kill?signal=…), as docker does when
 * there is no TTY. With a TTY the terminal is raw and ctrl-c travels as a
 * byte instead.
 */
import type { ApiClient } from '../client/api-client.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** Starts forwarding; returns what stops it. */
export function proxySignals(api: ApiClient, id: string): () => void {
  const handlers = FORWARDED.map((sig) => {
    const h = () => void api.call('POST', `/containers/${id}/kill`, { query: { signal: sig } }).catch(() => {});
    process.on(sig, h);
    return [sig, h] as const;
  });
  return () => {
    for (const [sig, h] of handlers) process.off(sig, h);
  };
}
