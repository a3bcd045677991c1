/**
 * One error type for everything a caller is expected to catch. The category
 * says what kind of failure it is (the API maps it to an HTTP status in one
 * place); the context says what it was about: `container "web": already exists`.
 */
export type ErrorCategory =
  | 'NotFound'
  | 'AlreadyExists'
  | 'InvalidArgument'
  | 'Conflict'
  | 'FailedPrecondition'
  | 'Unavailable'
  | 'Internal';

export class BerthError extends Error {
  readonly category: ErrorCategory;
  readonly context: string;
  readonly detail: string;

  constructor(category: ErrorCategory, context: string, detail: string, options?: { cause?: unknown }) {
    super(context ? `${context}: ${detail}` : detail, options);
    this.name = 'BerthError';
    this.category = category;
    this.context = context;
    this.detail = detail;
  }

  /** The same error seen from one level up: `container "web": ` + inner message. */
  within(context: string): BerthError {
    return new BerthError(this.category, context, this.message, { cause: this });
  }
}

export const notFound = (context: string, detail = 'not found') => new BerthError('NotFound', context, detail);
export const alreadyExists = (context: string, detail = 'already exists') =>
  new BerthError('AlreadyExists', context, detail);
export const invalidArgument = (context: string, detail: string) => new BerthError('InvalidArgument', context, detail);
export const conflict = (context: string, detail: string) => new BerthError('Conflict', context, detail);
export const failedPrecondition = (context: string, detail: string) =>
  new BerthError('FailedPrecondition', context, detail);
export const unavailable = (context: string, detail: string) => new BerthError('Unavailable', context, detail);
export const internal = (context: string, detail: string, cause?: unknown) =>
  new BerthError('Internal', context, detail, { cause });

export function isBerthError(e: unknown, category?: ErrorCategory): e is BerthError {
  return e instanceof BerthError && (category === undefined || e.category === category);
}

/** errno code of a Node system error, or undefined. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
