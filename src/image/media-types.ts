/**
 * Media types of the blobs an image is made of: Docker's v2 schema 2 and
 * the OCI image-spec v1 equivalents, with small predicates so callers ask
 * "is this a layer?" rather than comparing strings.
 */
export const MediaType = {
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DockerLayerForeignGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  /** schema 1: recognized only to be refused */
  DockerSchema1Manifest: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1SignedManifest: 'application/vnd.docker.distribution.manifest.v1+prettyjws',

  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciLayer: 'application/vnd.oci.image.layer.v1.tar',
  OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OciLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  OciLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  OciLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  OciLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  /** the "{}" blob of artifacts */
  OciEmpty: 'application/vnd.oci.empty.v1+json',
} as const;

export type KnownMediaType = (typeof MediaType)[keyof typeof MediaType];

/** What a registry should be asked for (the Accept header of a manifest GET), most preferred first. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MediaType.OciIndex,
  MediaType.DockerManifestList,
  MediaType.OciManifest,
  MediaType.DockerManifest,
];

export const isIndexType = (mt: string): boolean => mt === MediaType.OciIndex || mt === MediaType.DockerManifestList;

export const isManifestType = (mt: string): boolean => mt === MediaType.OciManifest || mt === MediaType.DockerManifest;

export const isSchema1Type = (mt: string): boolean =>
  mt === MediaType.DockerSchema1Manifest || mt === MediaType.DockerSchema1SignedManifest;

export const isConfigType = (mt: string): boolean => mt === MediaType.OciConfig || mt === MediaType.DockerConfig;

export type LayerCompression = 'none' | 'gzip' | 'zstd';

const LAYERS: ReadonlyMap<string, LayerCompression> = new Map([
  [MediaType.DockerLayer, 'none'],
  [MediaType.DockerLayerGzip, 'gzip'],
  [MediaType.DockerLayerForeignGzip, 'gzip'],
  [MediaType.OciLayer, 'none'],
  [MediaType.OciLayerGzip, 'gzip'],
  [MediaType.OciLayerZstd, 'zstd'],
  [MediaType.OciLayerNondistributable, 'none'],
  [MediaType.OciLayerNondistributableGzip, 'gzip'],
  [MediaType.OciLayerNondistributableZstd, 'zstd'],
]);

export const isLayerType = (mt: string): boolean => LAYERS.has(mt);

/** How a layer blob is compressed, or undefined when the media type is not a known layer type. */
export const layerCompression = (mt: string): LayerCompression | undefined => LAYERS.get(mt);

/**
 * Foreign (Docker) and non-distributable (OCI) layers may be absent from
 * the registry that served the manifest; they are fetched from their
 * descriptor's `urls`, if at all.
 */
export const isNondistributableType = (mt: string): boolean =>
  mt === MediaType.DockerLayerForeignGzip || mt.startsWith('application/vnd.oci.image.layer.nondistributable.');
