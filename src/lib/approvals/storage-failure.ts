import { AppError } from '../http/problem';

/**
 * Approvals and flags live in Table Storage beside the audit: if they cannot be read or written,
 * nothing is changed (fail closed), as when the audit itself is down.
 */
export async function orUnavailable<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('audit_unavailable', `Table Storage could not ${what}.`, { cause: error });
  }
}
