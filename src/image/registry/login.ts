/**
 * `login` checks credentials against the registry before filing them in
 * docker's config (a typo should fail now, not at the next pull);
 * `logout` forgets them.
 */
import { RegistryClient, type PingResult, type RegistryClientOptions } from './client.js';
import {
  removeDockerCredentials,
  storeDockerCredentials,
  type DockerConfigOptions,
} from './docker-config.js';

export type LoginOptions = Omit<RegistryClientOptions, 'credentials'> & DockerConfigOptions;

/**
 * Verifies the credentials (GET /v2/, then whatever authentication the
 * registry asks for) and stores them. Throws FailedPrecondition
 * "unauthorized: …" when the registry refuses them.
 */
export async function login(
  registry: string,
  username: string,
  password: string,
  options: LoginOptions = {},
): Promise<PingResult> {
  const client = new RegistryClient(registry, { ...options, credentials: { username, password } });
  let result: PingResult;
  try {
    result = await client.ping();
  } finally {
    client.close();
  }
  await storeDockerCredentials(registry, { username, password }, options);
  return result;
}

/** Removes stored credentials; false when there were none. */
export function logout(registry: string, options: DockerConfigOptions = {}): Promise<boolean> {
  return removeDockerCredentials(registry, options);
}
