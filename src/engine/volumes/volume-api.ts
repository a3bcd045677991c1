/**
 * The Docker Engine API's shapes for volumes (`POST /volumes/create`,
 * `GET /volumes/{name}`, `POST /volumes/prune`), and a record seen as one.
 */
import type { VolumeRecord } from './volume-record.js';

/** The body of `POST /volumes/create`. */
export interface CreateVolumeRequest {
  /** empty or absent: an anonymous volume with a random 64-hex name */
  Name?: string;
  /** "local" (the default) is the only driver */
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
}

export interface VolumeUsage {
  /** bytes, -1 when it could not be measured */
  Size: number;
  /** containers using the volume */
  RefCount: number;
}

export interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  /** RFC 3339, whole seconds, as dockerd writes it */
  CreatedAt: string;
  Labels: Record<string, string>;
  Scope: 'local';
  Options: Record<string, string>;
  UsageData?: VolumeUsage;
}

export interface VolumePruneReport {
  VolumesDeleted: string[];
  SpaceReclaimed: number;
}

export function toApiVolume(rec: VolumeRecord, mountpoint: string, usage?: VolumeUsage): Volume {
  const v: Volume = {
    Name: rec.name,
    Driver: rec.driver,
    Mountpoint: mountpoint,
    CreatedAt: new Date(rec.createdAt).toISOString().replace(/\.\d+Z$/, 'Z'),
    Labels: { ...rec.labels },
    Scope: 'local',
    Options: { ...rec.options },
  };
  if (usage !== undefined) v.UsageData = usage;
  return v;
}
