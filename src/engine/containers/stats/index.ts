export type { DockerBlkioEntry, DockerBlkioStats, DockerCpuStats, DockerMemoryStats, DockerStats } from './docker-stats.js';
export { onlineCpus, parseProcStat, readHostCpu, readSystemCpuNs, type HostCpu } from './host-cpu.js';
export { StatsCache, type StatsCacheOptions, type StatsPair } from './stats-cache.js';
export type { StatsSample } from './stats-sample.js';
export { toDockerStats } from './to-docker-stats.js';
