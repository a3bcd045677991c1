/** The registry client and what goes with it; see client.ts for the overview. */
export { RegistryClient, MANIFEST_SIZE_LIMIT } from './client.js';
export type { FetchedManifest, GetBlobOptions, PingResult, RegistryClientOptions } from './client.js';
export type { AuthScheme } from './authorizer.js';
export type { CredentialSource, Credentials } from './credentials.js';
export {
  dockerConfigCredentials,
  dockerConfigPath,
  readDockerCredentials,
  removeDockerCredentials,
  storeDockerCredentials,
} from './docker-config.js';
export type { DockerConfigOptions } from './docker-config.js';
export { credentialKey, resolveEndpoint, DOCKER_HUB, DOCKER_HUB_API_HOST } from './endpoint.js';
export type { RegistryEndpoint } from './endpoint.js';
export { login, logout } from './login.js';
export type { LoginOptions } from './login.js';
