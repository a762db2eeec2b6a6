import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { freePort } from '@/scripts/services/free-port';
import { databaseUnavailable, isDatabaseUnavailable } from './availability';

describe('telling a database outage from other failures', () => {
  it('recognises a refused connection, as pg reports it, and maps it to a 503 error', async () => {
    const port = await freePort();
    const client = new pg.Client({ connectionString: `postgres://x:y@localhost:${port}/z`, connectionTimeoutMillis: 2000 });
    const failure = await client.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).not.toBeNull();
    expect(isDatabaseUnavailable(failure)).toBe(true);
    const mapped = databaseUnavailable(failure);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped?.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('recognises a server shutting down, wrapped as drizzle wraps query errors', () => {
    const cause = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const wrapped = Object.assign(new Error('Failed query: select 1'), { name: 'DrizzleQueryError', cause });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
  });

  it('leaves other failures alone', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new AppError('INVALID_INPUT', 'bad'))).toBe(false);
    expect(databaseUnavailable(new TypeError('x is undefined'))).toBeNull();
  });
});
