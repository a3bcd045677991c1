/**
 * Image manifests and indexes (OCI image-spec; Docker's v2 schema 2 manifest
 * and manifest list have the same shape). parseManifest tells the two apart
 * and checks the structure, so later code can trust every descriptor.
 */
import { failedPrecondition, invalidArgument } from '../errors.js';
import {
  at,
  expectArray,
  expectInteger,
  expectString,
  expectStringMap,
  isObject,
  optional,
  required,
  type JsonObject,
} from '../oci/json-check.js';
import type { Descriptor } from './descriptor.js';
import { checkDescriptor } from './descriptor-check.js';
import { MediaType, isIndexType, isManifestType, isSchema1Type } from './media-types.js';

/** One image for one platform: its config and its layers, base first. */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** An OCI index or Docker manifest list: one manifest per platform. */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** `mediaType` is the document's own, else the hint's, else the OCI type. */
export type ParsedManifest =
  | { kind: 'manifest'; mediaType: string; manifest: ImageManifest }
  | { kind: 'index'; mediaType: string; index: ImageIndex };

type Kind = ParsedManifest['kind'];

const kindOf = (mt: string): Kind | undefined => (isIndexType(mt) ? 'index' : isManifestType(mt) ? 'manifest' : undefined);

function parseJson(bytes: Uint8Array | string, context: string): unknown {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw invalidArgument(context, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The kind from the document's mediaType, the hint, or (for bare OCI documents) the fields present. */
function decideKind(doc: JsonObject, declared: string | undefined, hint: string | undefined, context: string): Kind {
  const hasManifests = 'manifests' in doc;
  const hasImageFields = 'config' in doc || 'layers' in doc;
  // Both at once is the ambiguity behind CVE-2021-41190 (GHSA-5j5w-g665-5m35).
  if (hasManifests && hasImageFields) {
    throw invalidArgument(context, 'has both "manifests" and "config"/"layers": ambiguous manifest or index');
  }
  const declaredKind = declared === undefined ? undefined : kindOf(declared);
  if (declared !== undefined && declaredKind === undefined) {
    throw invalidArgument(at(context, 'mediaType'), `unsupported manifest media type "${declared}"`);
  }
  const hintKind = hint === undefined ? undefined : kindOf(hint);
  if (declaredKind !== undefined && hintKind !== undefined && declaredKind !== hintKind) {
    throw invalidArgument(context, `media type "${declared}" does not match the expected "${hint}"`);
  }
  const kind = declaredKind ?? hintKind ?? (hasManifests ? 'index' : hasImageFields ? 'manifest' : undefined);
  if (kind === undefined) throw invalidArgument(context, 'neither a manifest (config, layers) nor an index (manifests)');
  if (kind === 'index' && hasImageFields) throw invalidArgument(context, 'an index must not have "config" or "layers"');
  if (kind === 'manifest' && hasManifests) throw invalidArgument(context, 'a manifest must not have "manifests"');
  return kind;
}

function common(doc: JsonObject, context: string) {
  const out: { artifactType?: string; subject?: Descriptor; annotations?: Record<string, string> } = {};
  const artifactType = optional(doc, 'artifactType', context, expectString);
  if (artifactType !== undefined) out.artifactType = artifactType;
  const subject = optional(doc, 'subject', context, checkDescriptor);
  if (subject !== undefined) out.subject = subject;
  const annotations = optional(doc, 'annotations', context, expectStringMap);
  if (annotations !== undefined) out.annotations = { ...annotations };
  return out;
}

const descriptors = (doc: JsonObject, key: string, context: string): Descriptor[] =>
  required(doc, key, context, expectArray).map((d, i) => checkDescriptor(d, at(at(context, key), i)));

/**
 * Parses a manifest or index. `mediaTypeHint` is what the registry's
 * Content-Type or the parent descriptor said; unknown hints (octet-stream)
 * are ignored. Schema 1 → FailedPrecondition; anything malformed →
 * InvalidArgument naming the field.
 */
export function parseManifest(bytes: Uint8Array | string, mediaTypeHint?: string, context = 'manifest'): ParsedManifest {
  if (mediaTypeHint !== undefined && isSchema1Type(mediaTypeHint)) {
    throw failedPrecondition(context, 'schema 1 manifests are not supported');
  }
  const raw = parseJson(bytes, context);
  if (!isObject(raw)) throw invalidArgument(context, 'must be a JSON object');
  const doc = raw;
  if (doc.schemaVersion === 1) throw failedPrecondition(context, 'schema 1 manifests are not supported');
  const declared = optional(doc, 'mediaType', context, expectString);
  if (declared !== undefined && isSchema1Type(declared)) {
    throw failedPrecondition(context, 'schema 1 manifests are not supported');
  }
  const version = required(doc, 'schemaVersion', context, expectInteger);
  if (version !== 2) throw invalidArgument(at(context, 'schemaVersion'), `unsupported schema version ${version}, want 2`);

  const kind = decideKind(doc, declared, mediaTypeHint, context);
  const hinted = mediaTypeHint !== undefined && kindOf(mediaTypeHint) !== undefined ? mediaTypeHint : undefined;
  if (kind === 'index') {
    const index: ImageIndex = { schemaVersion: 2, manifests: descriptors(doc, 'manifests', context), ...common(doc, context) };
    if (declared !== undefined) index.mediaType = declared;
    return { kind, mediaType: declared ?? hinted ?? MediaType.OciIndex, index };
  }
  const config = required(doc, 'config', context, checkDescriptor);
  const manifest: ImageManifest = { schemaVersion: 2, config, layers: descriptors(doc, 'layers', context), ...common(doc, context) };
  if (declared !== undefined) manifest.mediaType = declared;
  return { kind, mediaType: declared ?? hinted ?? MediaType.OciManifest, manifest };
}

