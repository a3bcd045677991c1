/** berthd: the Docker Engine API over a unix socket. See server.ts. */
export { Berthd, type BerthdOptions } from './server.js';
export { API_VERSION, MIN_API_VERSION } from './api-version.js';
export { answers, socketPathOf } from './unix-socket.js';
