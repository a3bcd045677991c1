export { VolumeService, type VolumeServiceOptions } from './volume-service.js';
export type { CreateVolumeRequest, Volume, VolumePruneReport, VolumeUsage } from './volume-api.js';
export type { FilterInput } from './filter-args.js';
export { ANONYMOUS_LABEL } from './volume-filters.js';
