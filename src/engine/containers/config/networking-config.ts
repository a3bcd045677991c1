/**
 * `NetworkingConfig` of a create body: per network, the endpoint the user
 * asked for (`--ip`, `--network-alias`, …). Only the fields a client sets are
 * read; the rest of Docker's EndpointSettings are outputs of inspect.
 */
import { expectString } from '../../../oci/json-check.js';
import { type Checks, mapOf, objectOf, stringArray, stringMap } from './fields.js';

export interface EndpointIpamConfig {
  IPv4Address?: string;
  IPv6Address?: string;
  LinkLocalIPs?: string[];
}

export interface EndpointSettings {
  IPAMConfig?: EndpointIpamConfig;
  Links?: string[];
  Aliases?: string[];
  MacAddress?: string;
  DriverOpts?: Record<string, string>;
  NetworkID?: string;
  DNSNames?: string[];
}

export interface NetworkingConfig {
  /** network name or id → endpoint */
  EndpointsConfig?: Record<string, EndpointSettings>;
}

const ENDPOINT: Checks<EndpointSettings> = {
  IPAMConfig: objectOf<EndpointIpamConfig>({ IPv4Address: expectString, IPv6Address: expectString, LinkLocalIPs: stringArray }),
  Links: stringArray,
  Aliases: stringArray,
  MacAddress: expectString,
  DriverOpts: stringMap,
  NetworkID: expectString,
  DNSNames: stringArray,
};

export const readNetworkingConfig = objectOf<NetworkingConfig>({ EndpointsConfig: mapOf(objectOf(ENDPOINT)) });
