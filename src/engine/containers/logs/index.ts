export { encodeLogEntry, stdcopyFrame, timestampPrefix } from './api-format.js';
export { parseLogTime, parseTail } from './log-query.js';
export type { LogEntry } from './log-entry.js';
export { readLogs, type ReadLogsOptions } from './read-logs.js';
