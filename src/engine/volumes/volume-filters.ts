/**
 * Which volumes `list` and `prune` take, from their filters, as dockerd
 * decides: list accepts name, driver, label and dangling; prune accepts
 * label, label! and all, and (API 1.42 and later) takes only anonymous
 * volumes unless all=true.
 */
import { FilterArgs, type FilterInput } from './filter-args.js';
import type { VolumeRecord } from './volume-record.js';

/** Set on volumes created without a name, as Docker does. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

const LIST_FILTERS = new Set(['dangling', 'name', 'driver', 'label']);
const PRUNE_FILTERS = new Set(['label', 'label!', 'all']);

export type VolumePredicate = (v: VolumeRecord, inUse: boolean) => boolean;

function byLabels(f: FilterArgs, v: VolumeRecord): boolean {
  if (!f.matchLabels('label', v.labels)) return false;
  // As Docker: excluded only when every label! filter matches.
  return !(f.has('label!') && f.matchLabels('label!', v.labels));
}

export function listPredicate(input: FilterInput | undefined): VolumePredicate {
  const f = new FilterArgs(input);
  f.validate(LIST_FILTERS);
  const dangling = f.has('dangling') ? f.bool('dangling', false) : undefined;
  return (v, inUse) => {
    if (f.get('driver').length > 0 && !f.get('driver').includes(v.driver)) return false;
    if (f.has('name') && !f.match('name', v.name)) return false;
    if (!byLabels(f, v)) return false;
    return dangling === undefined || dangling === !inUse;
  };
}

/**
 * Unused volumes the prune filters select. Volumes with mount options are
 * never pruned (their data is not on this disk, as dockerd reasons).
 */
export function prunePredicate(input: FilterInput | undefined): VolumePredicate {
  const first = new FilterArgs(input);
  first.validate(PRUNE_FILTERS);
  const all = first.bool('all', false);
  const f = all ? first : new FilterArgs(input, [['label', ANONYMOUS_LABEL]]);
  return (v, inUse) => !inUse && Object.keys(v.options).length === 0 && byLabels(f, v);
}
