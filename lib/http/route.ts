import { NextResponse } from 'next/server';
import type { Actor } from '@/lib/auth/actor';
import { requireActor } from '@/lib/auth/session';
import { AppError, HTTP_STATUS } from '@/lib/errors';

export function errorResponse(e: unknown): NextResponse {
  if (e instanceof AppError) {
    return NextResponse.json({ error: { code: e.code, message: e.message, details: e.details ?? {} } }, { status: HTTP_STATUS[e.code] });
  }
  const ref = crypto.randomUUID();
  console.error(`[api ${ref}]`, e);
  return NextResponse.json({ error: { code: 'INTERNAL', message: `Something went wrong on our side (reference ${ref}).`, details: {} } }, { status: 500 });
}

type Params = Record<string, string>;

/** Wraps an API handler: resolves the signed-in actor and turns failures into JSON errors. */
export function withActor<P extends Params>(handler: (ctx: { req: Request; actor: Actor; params: P }) => Promise<Response>) {
  return async (req: Request, ctx: { params: Promise<P> }): Promise<Response> => {
    try {
      const actor = await requireActor();
      return await handler({ req, actor, params: await ctx.params });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** The request body as JSON, or a 400 that says the body is not JSON. */
export async function jsonBody(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new AppError('INVALID_INPUT', 'The request body must be JSON', { fields: { body: 'is not valid JSON' } });
  }
}
