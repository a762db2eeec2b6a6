// One error type for everything a caller can be told; the HTTP layer maps codes to statuses.
export type AppErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  /** An `Idempotency-Key` sent again with another request than the one it first named. */
  | 'IDEMPOTENCY_MISMATCH'
  | 'QUOTA_EXCEEDED'
  | 'PROVIDER_UNAVAILABLE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  CONFLICT: 409,
  IDEMPOTENCY_MISMATCH: 422,
  QUOTA_EXCEEDED: 409,
  PROVIDER_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Per-field messages, keyed by the input field's name. */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: { fields?: FieldErrors } & Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** The PostgreSQL error code of a failed query (drizzle wraps the driver's error as its cause). */
export function pgErrorCode(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.code ?? err?.cause?.code;
}

/**
 * A failure's message, safe to show and store: a failed query's message carries its SQL
 * parameters (which may hold secrets), so only the database's own reason is kept.
 */
export function safeErrorMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  if (e.name === 'DrizzleQueryError' && cause instanceof Error) return cause.message;
  return e.message;
}

export function invalidInput(fields: FieldErrors): AppError {
  const names = Object.keys(fields);
  return new AppError('INVALID_INPUT', `Invalid ${names.join(', ')}: ${names.map((n) => fields[n]).join('; ')}`, { fields });
}
