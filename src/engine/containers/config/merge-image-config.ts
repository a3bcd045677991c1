/**
 * The image's defaults under the user's config, exactly as dockerd merges
 * them at create (moby's daemon.merge and mergeAndVerifyConfig): the user
 * wins field by field, environment variables by name, and an entrypoint
 * given by the user discards the image's command too.
 */
import { invalidArgument } from '../../../errors.js';
import type { ContainerConfig as ImageContainerConfig } from '../../../image/image-config.js';
import type { ContainerConfig, HealthConfig } from './container-config.js';

const envKey = (e: string) => e.split('=', 1)[0] as string;

function mergeEnv(user: readonly string[] | undefined, image: readonly string[] | undefined): string[] | undefined {
  if (!user || user.length === 0) return image ? [...image] : undefined;
  const keys = new Set(user.map(envKey));
  return [...user, ...(image ?? []).filter((e) => !keys.has(envKey(e)))];
}

/** Union of two key sets; `undefined` when both are absent. */
function mergeSet<T>(user: Record<string, T> | undefined, image: Record<string, T> | undefined): Record<string, T> | undefined {
  if (!user || Object.keys(user).length === 0) return image ? { ...image } : undefined;
  return { ...user, ...image };
}

function mergeHealth(user: HealthConfig | undefined, image: HealthConfig | undefined): HealthConfig | undefined {
  if (!image) return user;
  if (!user) return { ...image };
  const out: HealthConfig = { ...user };
  if (!out.Test || out.Test.length === 0) {
    if (image.Test) out.Test = [...image.Test];
  }
  for (const key of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    const v = image[key];
    if (!out[key] && v !== undefined) out[key] = v;
  }
  return out;
}

function put<K extends keyof ContainerConfig>(c: ContainerConfig, key: K, value: ContainerConfig[K] | undefined): void {
  if (value === undefined) delete c[key];
  else c[key] = value;
}

/** The container's config with the image's defaults filled in; `no command specified` when nothing is left to run. */
export function mergeImageConfig(config: ContainerConfig, image: ImageContainerConfig): ContainerConfig {
  const c: ContainerConfig = structuredClone(config);
  if (!c.User) put(c, 'User', image.User);
  put(c, 'ExposedPorts', mergeSet(c.ExposedPorts, image.ExposedPorts));
  put(c, 'Env', mergeEnv(c.Env, image.Env));
  c.Labels = { ...image.Labels, ...c.Labels };
  if (!c.Entrypoint || c.Entrypoint.length === 0) {
    if (!c.Cmd || c.Cmd.length === 0) {
      put(c, 'Cmd', image.Cmd ? [...image.Cmd] : undefined);
      put(c, 'ArgsEscaped', image.ArgsEscaped);
    }
    // An explicit empty entrypoint ([]) stays: it removes the image's.
    if (c.Entrypoint === undefined) put(c, 'Entrypoint', image.Entrypoint ? [...image.Entrypoint] : undefined);
  }
  put(c, 'Healthcheck', mergeHealth(c.Healthcheck, image.Healthcheck));
  if (!c.WorkingDir) put(c, 'WorkingDir', image.WorkingDir);
  put(c, 'Volumes', mergeSet(c.Volumes, image.Volumes));
  if (!c.StopSignal) put(c, 'StopSignal', image.StopSignal);
  // `--entrypoint ""` arrives as [""]: no entrypoint at all.
  if (c.Entrypoint?.length === 1 && c.Entrypoint[0] === '') delete c.Entrypoint;
  if ((c.Entrypoint?.length ?? 0) === 0 && (c.Cmd?.length ?? 0) === 0) throw invalidArgument('', 'no command specified');
  return c;
}
