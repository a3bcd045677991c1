import { dockerConfigCredentials, RegistryClient, type Credentials, type RegistryClientOptions } from '../../image/registry/index.js';

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

  constructor(
    private readonly options: RegistryAccessOptions = {},
    /** fixed credentials for every registry (the API's X-Registry-Auth), instead of config.json */
    private readonly fixed?: Credentials,
  ) {}

  /** A separate access for one request that brought its own credentials; close it afterwards. */
  withCredentials(credentials: Credentials): RegistryAccess {
    return new RegistryAccess(this.options, credentials);
  }

  client(registry: string): RegistryClient {
    let c = this.clients.get(registry);
    if (!c) {
      const opts: RegistryClientOptions = {
        credentials:
          this.fixed ?? dockerConfigCredentials(registry, this.options.dockerConfigDir ? { configDir: this.options.dockerConfigDir } : {}),
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
