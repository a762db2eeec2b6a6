// Turns a route contract and a domain call into a Next.js route handler: the contract's schemas
// parse the input (a 400 names each field) and shape the answer, so no raw row leaves the API.
import { NextResponse } from 'next/server';
import type { z } from 'zod';
import type { RequestMeta } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { PooledDatabase } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { jsonBody, withActor } from '@/lib/http/route';
import { parseOrThrow } from '@/lib/zod-fields';
import { nounOf, type RouteContract } from './contract';
import { droppedField } from './dropped-field';

// Parsed input of the contract's schemas (a route without one never reads it).
type Out<S> = z.output<NonNullable<S> & z.ZodType>;
type In<S> = z.input<NonNullable<S> & z.ZodType>;

export interface HandlerContext<C extends RouteContract> {
  req: Request;
  actor: Actor;
  params: Out<C['params']>;
  query: Out<C['query']>;
  body: Out<C['body']>;
  meta: RequestMeta;
  db: PooledDatabase;
}

interface Options {
  /** For state-changing routes: the audit action under which refused or failed attempts are recorded. */
  audit?: string;
  /** The route parameter naming the organization acted on, so its owners see refused attempts too. */
  auditOrganizationParam?: string;
  /** The route parameter naming the target (default `id`). */
  auditTargetParam?: string;
}

/** Tests and development refuse an answer with fields its schema does not name; production drops them. */
const STRICT = process.env.NODE_ENV !== 'production' || process.env.OCS_API_STRICT === '1';

export type ContractHandler = ((req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>) & { contract: RouteContract };

/** A body with one of the contract's otherStatuses. */
export class Answer<T> {
  constructor(
    readonly status: number,
    readonly body: T,
  ) {}
}

export const answer = <T>(status: number, body: T): Answer<T> => new Answer(status, body);

/**
 * A route anyone may call (`access: 'public'`): no caller is resolved and it takes no input, so
 * its answer is its schema's parse of what `fn` returns.
 */
export function handlePublic<C extends RouteContract>(contract: C, fn: () => In<C['output']>): ContractHandler {
  if (contract.access !== 'public') throw new Error(`${contract.operationId} is not public: use handle()`);
  const handler = async () => NextResponse.json(contract.output.parse(fn()), { status: contract.status });
  return Object.assign(handler, { contract });
}

export function handle<C extends RouteContract>(contract: C, fn: (ctx: HandlerContext<C>) => Promise<In<C['output']> | Answer<In<C['output']>>>, options: Options = {}): ContractHandler {
  const handler = withActor<Record<string, string>>(async ({ req, actor, params, meta, db }) => {
    // A path parameter that does not fit (an id that is no id) names nothing there is.
    const parsedParams = contract.params ? contract.params.safeParse(params) : { success: true as const, data: undefined };
    if (!parsedParams.success) throw new AppError('NOT_FOUND', `No such ${nounOf(contract.path, String(parsedParams.error.issues[0]?.path[0] ?? ''))}`);
    const query = contract.query ? parseOrThrow(contract.query, Object.fromEntries(new URL(req.url).searchParams)) : undefined;
    const body = contract.body ? parseOrThrow(contract.body, await jsonBody(req)) : undefined;
    const returned = await fn({ req, actor, params: parsedParams.data, query, body, meta, db } as HandlerContext<C>);
    const { status, body: result } = returned instanceof Answer ? returned : { status: contract.status, body: returned };
    if (status !== contract.status && !contract.otherStatuses?.includes(status)) throw new Error(`${contract.operationId} answered ${status}, which its contract does not list`);
    const output = contract.output.parse(result);
    if (STRICT) {
      const extra = droppedField(result, output);
      if (extra) throw new Error(`${contract.operationId} answered a field its schema does not name: ${extra}`);
    }
    const headers: Record<string, string> = contract.secret ? { 'Cache-Control': 'no-store' } : {};
    if (contract.contentType) return new Response(String(output), { status, headers: { ...headers, 'Content-Type': contract.contentType } });
    return status === 204 ? new Response(null, { status: 204, headers }) : NextResponse.json(output, { status, headers });
  }, options);
  return Object.assign(handler, { contract });
}
