/** One progress update of a pull, push or load, in docker's vocabulary ("Downloading", "Pull complete"). */
export interface ProgressEvent {
  /** short id (12 hex of the layer digest), or "" for a message about the whole image */
  id: string;
  status: string;
  current?: number;
  total?: number;
}

export type ProgressListener = (ev: ProgressEvent) => void;

export const shortId = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);
