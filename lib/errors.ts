// One error type for everything a caller can be told; the HTTP layer maps codes to statuses.
export type AppErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'QUOTA_EXCEEDED'
  | 'PROVIDER_UNAVAILABLE'
  | 'INTERNAL';

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  CONFLICT: 409,
  QUOTA_EXCEEDED: 409,
  PROVIDER_UNAVAILABLE: 503,
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

export function invalidInput(fields: FieldErrors): AppError {
  const names = Object.keys(fields);
  return new AppError('INVALID_INPUT', `Invalid ${names.join(', ')}: ${names.map((n) => fields[n]).join('; ')}`, { fields });
}
