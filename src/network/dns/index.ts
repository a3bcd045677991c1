/** The embedded DNS server of user-defined networks, and the resolv.conf that points containers at it. */
export { EmbeddedDns, type EmbeddedDnsOptions } from './embedded-dns.js';
export type { DnsEndpoint } from './record-table.js';
export { containerDnsConfig, type ContainerDns, type ContainerDnsOptions } from './container-resolv-conf.js';
export { parseResolvConf, readHostResolvers, type ResolvConf } from './resolv-conf.js';
