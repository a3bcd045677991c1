/** The network layer: network namespaces as files, the bridge driver, port specs. */
export { BridgeDriver, type BridgeDriverOptions } from './bridge-driver.js';
export type { EndpointInspect, NetworkInspect, PortMapInspect } from './describe.js';
export { runCommand, type Command, type CommandRunner } from './exec.js';
export { createNetns, removeNetns } from './netns.js';
export { fromPortBindings, parsePortSpec, type PortBindings, type PortRequest } from './port-spec.js';
export type { Proto, PublishedPort } from './state.js';
export type {
  Attachment,
  CreateNetworkOptions,
  EndpointSpec,
  NetworkCreated,
  NetworkDriver,
  PublishTarget,
  ReconcileReport,
} from './types.js';
