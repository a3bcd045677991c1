/**
 * The unit the image side passes around: a content descriptor (OCI
 * image-spec "descriptor"), naming a blob by digest with its media type and
 * size, and optionally the platform it is for.
 */
export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  /** "sha256:<64 hex>" */
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
}
