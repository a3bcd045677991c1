import { dockerConfigCredentials, RegistryClient, type RegistryClientOptions } from '../../image/registry/index.js';

export interface RegistryAccessOptions {
  /** registries (host[:port]) that may be reached over plain HTTP or with unverified TLS */
  insecureRegistries?: string[];
  /** DOCKER_CONFIG-style directory holding config.json with credentials */
  dockerConfigDir?: string;
  timeoutMs?: number;
}

/** One RegistryClient per registry host, with credentials from ~/.docker/config.json. */
export class RegistryAccess {
  private readonly clients = new Map<string, RegistryClient>();

  constructor(private readonly options: RegistryAccessOptions = {}) {}

  client(registry: string): RegistryClient {
    let c = this.clients.get(registry);
    if (!c) {
      const opts: RegistryClientOptions = {
        credentials: dockerConfigCredentials(registry, this.options.dockerConfigDir ? { configDir: this.options.dockerConfigDir } : {}),
        insecureRegistries: this.options.insecureRegistries ?? [],
      };
      if (this.options.timeoutMs !== undefined) opts.timeoutMs = this.options.timeoutMs;
      c = new RegistryClient(registry, opts);
      this.clients.set(registry, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
