import { invalidArgument } from '../errors.js';

/** The API version berthd speaks; clients negotiate down from it (docker CLI 20.10 uses 1.41). */
export const API_VERSION = '1.44';
export const MIN_API_VERSION = '1.24';

const asNumber = (v: string): number => {
  const [major = '0', minor = '0'] = v.split('.');
  return Number(major) * 1000 + Number(minor);
};

/**
 * Splits an optional `/v1.NN` prefix off a path. Versions outside
 * 1.24–1.44 are refused with docker's own words.
 */
export function stripVersion(path: string): { version: string; path: string } {
  const m = /^\/v(\d+\.\d+)(\/.*)?$/.exec(path);
  if (!m) return { version: API_VERSION, path };
  const version = m[1] as string;
  if (asNumber(version) > asNumber(API_VERSION)) {
    throw invalidArgument('', `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  }
  if (asNumber(version) < asNumber(MIN_API_VERSION)) {
    throw invalidArgument(
      '',
      `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
  return { version, path: m[2] ?? '/' };
}
