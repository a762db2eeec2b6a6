import { AppError } from '@/lib/errors';

// PostgreSQL being away (restarting, failing over, unreachable) is not a bug in the request: the
// caller is told to come back, and nothing is half-done because every change is one transaction.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down), too_many_connections. */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const DRIVER_MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/, /Client has encountered a connection error/, /Connection lost/i];

/** True when `e` (or what it wraps) says the database cannot be reached right now. */
export function isDatabaseUnavailable(e: unknown): boolean {
  for (let err = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown } | undefined, depth = 0; err && depth < 5; depth++) {
    if (typeof err.code === 'string' && (NETWORK_CODES.has(err.code) || SERVER_CODES.has(err.code))) return true;
    if (typeof err.message === 'string' && DRIVER_MESSAGES.some((re) => re.test(err!.message as string))) return true;
    // net.connect to several addresses (localhost → ::1 and 127.0.0.1) fails with an AggregateError.
    if (Array.isArray(err.errors) && err.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    err = err.cause as typeof err;
  }
  return false;
}

/** The error a caller sees while PostgreSQL is away, or null when `e` is something else. */
export function databaseUnavailable(e: unknown): AppError | null {
  if (!isDatabaseUnavailable(e)) return null;
  return new AppError('SERVICE_UNAVAILABLE', 'The database is unavailable right now; nothing was changed. Try again shortly.', { service: 'postgres' });
}
