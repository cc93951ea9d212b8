import { expect } from 'vitest';

import { AppError } from '../../src/lib/http/problem';

/** The AppError `promise` rejects with; the test fails if it resolves or rejects with anything else. */
export async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}
