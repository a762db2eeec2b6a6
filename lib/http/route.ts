import { NextResponse } from 'next/server';
import { recordAudit, type AuditEntry, type RequestMeta } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import { currentActor } from '@/lib/auth/session';
import { db, type Database, type PooledDatabase } from '@/lib/db/client';
import { AppError, HTTP_STATUS, invalidInput, pgErrorCode, safeErrorMessage } from '@/lib/errors';
import { databaseUnavailable, isDatabaseUnavailable } from '@/lib/db/availability';
import { IDEMPOTENCY_HEADER, idempotencyCaller, idempotent } from '@/lib/http/idempotency';
import { isId } from '@/lib/http/ids';
import { authenticateToken } from '@/lib/tokens/authenticate';

export function errorResponse(e: unknown): NextResponse {
  const unavailable = e instanceof AppError ? null : databaseUnavailable(e);
  if (unavailable) return errorResponse(unavailable);
  if (e instanceof AppError) {
    const retryAfter = e.code === 'SERVICE_UNAVAILABLE' ? RETRY_AFTER_SECONDS : e.details?.retryAfterSeconds;
    const headers = typeof retryAfter === 'number' ? { 'Retry-After': String(retryAfter) } : undefined;
    return NextResponse.json({ error: { code: e.code, message: e.message, details: e.details ?? {} } }, { status: HTTP_STATUS[e.code], headers });
  }
  const ref = crypto.randomUUID();
  console.error(`[api ${ref}] ${e instanceof Error ? `${e.name}: ${safeErrorMessage(e)}\n${e.stack?.split('\n').slice(1).join('\n') ?? ''}` : String(e)}`);
  return NextResponse.json({ error: { code: 'INTERNAL', message: `Something went wrong on our side (reference ${ref}).`, details: {} } }, { status: 500 });
}

/** How long a client should wait before calling again while PostgreSQL (or Redis) is away. */
export const RETRY_AFTER_SECONDS = 5;

export function requestMeta(req: Request): RequestMeta {
  const forwarded = req.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return { ip: forwarded || req.headers.get('x-real-ip') || null };
}

/** The caller: an `Authorization: Bearer` API token, else the browser session. */
async function resolveActor(req: Request): Promise<Actor> {
  const auth = req.headers.get('authorization');
  if (auth) {
    const [scheme, secret] = auth.split(/\s+/, 2);
    if (scheme?.toLowerCase() !== 'bearer' || !secret) throw new AppError('UNAUTHENTICATED', 'Use "Authorization: Bearer <API token>"');
    return authenticateToken(db(), secret);
  }
  const actor = await currentActor();
  if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in, or send an API token as "Authorization: Bearer <token>"');
  return actor;
}

type Params = Record<string, string>;
interface Options {
  /** For state-changing routes: the audit action under which refused or failed attempts are recorded. */
  audit?: string;
  /** The route parameter naming the organization acted on, so its owners see refused attempts too. */
  auditOrganizationParam?: string;
  /** The route parameter naming the target (default `id`). */
  auditTargetParam?: string;
}

/**
 * Wraps an API handler: resolves the caller, turns failures into JSON errors, records a refused
 * or failed state-changing call in the audit log (successes are recorded by the domain), and
 * answers a POST with an `Idempotency-Key` once per key (lib/http/idempotency.ts).
 */
export function withActor<P extends Params>(handler: (ctx: { req: Request; actor: Actor; params: P; meta: RequestMeta; db: PooledDatabase }) => Promise<Response>, options: Options = {}) {
  return async (req: Request, ctx: { params: Promise<P> }): Promise<Response> => {
    const meta = requestMeta(req);
    let actor: Actor | null = null;
    let params: P | undefined;
    const failed = async (e: unknown): Promise<Response> => {
      // With PostgreSQL away the audit record cannot be written either; the 503 says so.
      if (options.audit && !isDatabaseUnavailable(e)) {
        const code = e instanceof AppError ? e.code : 'INTERNAL';
        const denied = code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'NOT_FOUND';
        // A refused call may name an organization that is no id, or none of ours (recorded as the caller's then),
        // and carry text PostgreSQL cannot hold: else the refusal would go unrecorded.
        const named = options.auditOrganizationParam ? params?.[options.auditOrganizationParam] : undefined;
        const fallback = actor?.token?.organizationId ?? null;
        const entry: AuditEntry = {
          actor,
          actorLabel: actor ? undefined : tokenLabel(req),
          organizationId: named !== undefined && isId(named) ? named : fallback,
          action: options.audit,
          targetId: storable(params?.[options.auditTargetParam ?? 'id']) ?? null,
          ipAddress: meta.ip,
          outcome: denied ? 'denied' : 'failure',
          details: { code, message: storable(safeErrorMessage(e)) },
        };
        await recordAudit(db(), entry)
          .catch((err) => (pgErrorCode(err) === FOREIGN_KEY_VIOLATION ? recordAudit(db(), { ...entry, organizationId: fallback }) : Promise.reject(err)))
          .catch((err) => console.error('[audit] could not record', err));
      }
      return errorResponse(e);
    };
    try {
      params = await ctx.params;
      actor = await resolveActor(req);
    } catch (e) {
      return failed(e);
    }
    const call = { actor, params, meta, db: db() };
    const run = async (r: Request) => {
      try {
        refuseUnstorableQuery(r);
        return await handler({ ...call, req: r });
      } catch (e) {
        return failed(e);
      }
    };
    const key = req.method === 'POST' ? req.headers.get(IDEMPOTENCY_HEADER) : null;
    if (key === null) return run(req);
    // A replay, a reused key or a key still in use is no new attempt at the action: not audited.
    return idempotent(call.db, idempotencyCaller(actor), key, req, run).catch(errorResponse);
  };
}

/**
 * Wraps a handler whose caller is no person or API token (a node's agent proves itself in the
 * handler): gives it the database and turns failures into JSON errors.
 */
export function withDatabase<P extends Params>(handler: (ctx: { req: Request; params: P; db: Database }) => Promise<Response>) {
  return async (req: Request, ctx: { params: Promise<P> }): Promise<Response> => {
    try {
      return await handler({ req, params: await ctx.params, db: db() });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** A refused caller: no part of a token that was refused is kept, it may be a real one mistyped. */
function tokenLabel(req: Request): string {
  return req.headers.get('authorization') ? 'refused bearer token' : 'anonymous';
}

const FOREIGN_KEY_VIOLATION = '23503';
// PostgreSQL's text and jsonb hold neither the NUL character nor half of a UTF-16 surrogate pair (JSON can
// carry both as \u escapes): such input is refused, naming its field, rather than failing in the database.
// eslint-disable-next-line no-control-regex -- the NUL character is what it looks for
const UNSTORABLE = /[\u0000\ud800-\udfff]/u;
// eslint-disable-next-line no-control-regex -- as above
const UNSTORABLE_ALL = /[\u0000\ud800-\udfff]/gu;
const NOT_STORABLE = 'must not contain the NUL character (\\u0000) or unpaired surrogates';

function storable<T extends string | undefined>(text: T): T {
  return text?.replace(UNSTORABLE_ALL, '\ufffd') as T;
}

/** A field's name as a 400 can show it (and the audit log store it). */
const printable = (name: string) => name.replace(UNSTORABLE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) || '(empty)';

function refuseUnstorableQuery(req: Request): void {
  for (const [name, value] of new URL(req.url).searchParams) if (UNSTORABLE.test(name) || UNSTORABLE.test(value)) throw invalidInput({ [printable(name)]: NOT_STORABLE });
}

/** The path (`periods.0.note`) of the first key or string in `value` PostgreSQL cannot store, or null. */
function unstorablePath(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    if (UNSTORABLE.test(key)) return [...path, key];
    const found = unstorablePath(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

/** The request body as JSON, or a 400 that says the body is not JSON (or names the field PostgreSQL could not store). */
export async function jsonBody(req: Request): Promise<unknown> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new AppError('INVALID_INPUT', 'The request body must be JSON', { fields: { body: 'is not valid JSON' } });
  }
  const unstorable = unstorablePath(body);
  if (unstorable) throw invalidInput({ [unstorable.length ? printable(unstorable.join('.')) : 'body']: NOT_STORABLE });
  return body;
}
