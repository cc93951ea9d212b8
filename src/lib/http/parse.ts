import type { z } from 'zod';

import { AppError, type FieldProblem } from './problem';

/** Validates one input (route parameter, query, body) and turns zod issues into a 400 naming each field. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  location: string,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldProblem[] = result.error.issues.map((issue) => ({
    path: [location, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new AppError('invalid_request', errors.map((error) => `${error.path} ${error.message}`).join('; '), {
    errors,
  });
}
