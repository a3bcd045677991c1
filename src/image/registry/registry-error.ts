/**
 * Registry failures as BerthErrors. Registries explain themselves in a
 * JSON body (distribution spec, "Error Codes"):
 *
 *   {"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":…}]}
 *
 * which becomes "manifest unknown: manifest unknown", as docker prints it.
 * The HTTP status picks the category: 401 and 403 are FailedPrecondition
 * (log in, or get access, then try again), 404 NotFound, 400 and 416
 * InvalidArgument, 409 Conflict, 408/429/5xx Unavailable.
 */
import { BerthError, type ErrorCategory } from '../../errors.js';

export interface RegistryErrorEntry {
  code: string;
  message: string;
}

/** The entries of an error body; [] when it is not one. */
export function parseErrorBody(body: Uint8Array | string): RegistryErrorEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null) return [];
  const list: unknown = 'errors' in parsed ? parsed.errors : undefined;
  if (Array.isArray(list)) {
    const out: RegistryErrorEntry[] = [];
    for (const e of list as unknown[]) {
      if (typeof e !== 'object' || e === null) continue;
      const code = 'code' in e && typeof e.code === 'string' ? e.code : '';
      const message = 'message' in e && typeof e.message === 'string' ? e.message : '';
      if (code !== '' || message !== '') out.push({ code, message });
    }
    return out;
  }
  // Token servers often answer {"details": "…"} or {"error": "…"}.
  for (const key of ['details', 'error', 'message'] as const) {
    const v: unknown = key in parsed ? (parsed as Record<string, unknown>)[key] : undefined;
    if (typeof v === 'string' && v !== '') return [{ code: '', message: v }];
  }
  return [];
}

/** "manifest unknown: manifest unknown; blob unknown: …" */
export function describeErrors(entries: readonly RegistryErrorEntry[]): string {
  return entries
    .map(({ code, message }) => {
      const c = code.toLowerCase().replace(/_/g, ' ');
      return c === '' ? message : message === '' ? c : `${c}: ${message}`;
    })
    .join('; ');
}

export function categoryForStatus(status: number): ErrorCategory {
  if (status === 401 || status === 403) return 'FailedPrecondition';
  if (status === 404) return 'NotFound';
  if (status === 400 || status === 416 || status === 413) return 'InvalidArgument';
  if (status === 409) return 'Conflict';
  if (status === 408 || status === 429 || status >= 500) return 'Unavailable';
  if (status === 405) return 'FailedPrecondition';
  return 'Internal';
}

/** What a status means when the body does not say. */
function defaultDetail(status: number): string {
  switch (status) {
    case 401:
      return 'unauthorized: authentication required';
    case 403:
      return 'denied: requested access to the resource is denied';
    case 404:
      return 'not found';
    case 405:
      return 'unsupported: the registry does not allow this operation';
    case 429:
      return 'toomanyrequests: too many requests';
    default:
      return `unexpected status ${status}`;
  }
}

export interface StatusErrorInput {
  /** "registry 127.0.0.1:5000" */
  context: string;
  status: number;
  /** The error body, if any was read. */
  body?: Uint8Array;
  /** What was being done: "GET /v2/x/manifests/latest"; appended to unexplained errors. */
  operation?: string;
  /** A message to use instead of the body's (e.g. "manifest for h/x:tag not found"). */
  detail?: string;
}

export function statusError(input: StatusErrorInput): BerthError {
  const entries = input.body ? parseErrorBody(input.body) : [];
  let detail = input.detail;
  if (detail === undefined) {
    const described = describeErrors(entries);
    if (described !== '') {
      detail = described;
      // 401/403 bodies already say "unauthorized…"/"denied…"; make sure the category word is there.
      if (input.status === 401 && !/^unauthorized/i.test(detail)) detail = `unauthorized: ${detail}`;
      if (input.status === 403 && !/^denied/i.test(detail)) detail = `denied: ${detail}`;
    } else {
      detail = defaultDetail(input.status);
      if (!/^[a-z]+:/.test(detail) && input.operation !== undefined) detail += ` from ${input.operation}`;
    }
  }
  return new BerthError(categoryForStatus(input.status), input.context, detail);
}
