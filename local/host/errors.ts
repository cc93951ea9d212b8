// Error classes shaped like the worker's (src/errors.ts): the library inspects
// `isAzureFunctionsSystemError` (e.g. it turns a flagged RangeError from registerHook('log') into
// "Log hooks require Host v4.34"), so the flag matters, not the class names.

import { inspect } from 'node:util';

export class HostSystemError extends Error {
  readonly isAzureFunctionsSystemError = true;
}

export class HostRangeError extends RangeError {
  readonly isAzureFunctionsSystemError = true;
}

export class ReadOnlyError extends TypeError {
  readonly isAzureFunctionsSystemError = true;

  constructor(propertyName: string) {
    super(`Cannot assign to read only property '${propertyName}'`);
  }
}

/** Anything thrown becomes an Error, so logging and HTTP mapping have one shape to handle. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'string') return new Error(thrown);
  if (thrown === undefined || thrown === null) return new Error('Unknown error');
  return new Error(inspect(thrown));
}
