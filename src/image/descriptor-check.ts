/**
 * Checks for descriptors and platforms read from JSON of unknown shape
 * (manifests, indexes, images.json). Each returns a clean typed copy, or
 * throws InvalidArgument naming the field.
 */
import { invalidArgument } from '../errors.js';
import {
  at,
  expectInteger,
  expectObject,
  expectString,
  expectStringArray,
  expectStringMap,
  optional,
  required,
} from '../oci/json-check.js';
import type { Descriptor, Platform } from './descriptor.js';
import { checkDigest } from './digest.js';

export function checkPlatform(v: unknown, field: string): Platform {
  const o = expectObject(v, field);
  const p: Platform = {
    architecture: required(o, 'architecture', field, expectString),
    os: required(o, 'os', field, expectString),
  };
  const variant = optional(o, 'variant', field, expectString);
  if (variant !== undefined && variant !== '') p.variant = variant;
  const osVersion = optional(o, 'os.version', field, expectString);
  if (osVersion !== undefined && osVersion !== '') p['os.version'] = osVersion;
  const osFeatures = optional(o, 'os.features', field, expectStringArray);
  if (osFeatures !== undefined) p['os.features'] = [...osFeatures];
  return p;
}

export function checkDescriptor(v: unknown, field: string): Descriptor {
  const o = expectObject(v, field);
  const mediaType = required(o, 'mediaType', field, expectString);
  if (mediaType === '') throw invalidArgument(at(field, 'mediaType'), 'must not be empty');
  const digest = checkDigest(required(o, 'digest', field, expectString), at(field, 'digest'));
  const size = required(o, 'size', field, (x, f) => expectInteger(x, f, { min: 0 }));
  const d: Descriptor = { mediaType, digest, size };
  const urls = optional(o, 'urls', field, expectStringArray);
  if (urls !== undefined) d.urls = [...urls];
  const annotations = optional(o, 'annotations', field, expectStringMap);
  if (annotations !== undefined) d.annotations = { ...annotations };
  const platform = optional(o, 'platform', field, checkPlatform);
  if (platform !== undefined) d.platform = platform;
  return d;
}
