export { discardShim, launchUnderShim } from './launch.js';
export { SHIM_CONSOLE_SOCKET, shimArgs, shimOptionsFor, shimPath, type ShimOptions } from './options.js';
export { ShimClient, type ShimExit } from './shim-client.js';
export { stopShim } from './stop-shim.js';
