import { BerthError, type ErrorCategory } from '../errors.js';

/** The message the core sends when a step fails. */
export interface CoreFailure {
  type: 'error';
  step: string;
  path: string;
  errno: number;
  strerror: string;
  message: string;
}

const ENOENT = 2;
const EACCES = 13;
const EPERM = 1;

/**
 * A failed step of the launch plan, phrased for a person: which step, on
 * which path, and why. Missing and non-executable programs read like runc's
 * (`exec: "foo": executable file not found in $PATH`), since tools parse that.
 */
export class CoreStepError extends BerthError {
  readonly step: string;
  readonly errno: number;
  readonly path: string;

  constructor(f: CoreFailure) {
    super(categoryOf(f), '', describe(f));
    this.name = 'CoreStepError';
    this.step = f.step;
    this.errno = f.errno;
    this.path = f.path;
  }

  /** The executable could not be found (docker: 127) or not run (docker: 126). */
  get cannotInvoke(): 'not-found' | 'not-executable' | undefined {
    if (this.step !== 'lookup' && this.step !== 'exec') return undefined;
    return this.errno === ENOENT ? 'not-found' : 'not-executable';
  }
}

function categoryOf(f: CoreFailure): ErrorCategory {
  if (f.step === 'lookup' || f.step === 'exec') return f.errno === ENOENT ? 'NotFound' : 'FailedPrecondition';
  if (f.errno === EPERM || f.errno === EACCES) return 'FailedPrecondition';
  return 'Internal';
}

function describe(f: CoreFailure): string {
  const why = f.strerror ? f.strerror.charAt(0).toLowerCase() + f.strerror.slice(1) : '';
  if (f.step === 'lookup' && f.message.includes('not found in $PATH')) return f.message;
  if (f.step === 'lookup' || f.step === 'exec') return `${f.message}: ${why}`;
  const where = f.path && !f.message.includes(f.path) ? ` ${f.path}` : '';
  return `${f.step}${where}: ${f.message}${why ? `: ${why}` : ''}`;
}
