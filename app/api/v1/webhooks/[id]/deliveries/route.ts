import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';
import { listDeliveries } from '@/lib/webhooks/views';

export const dynamic = 'force-dynamic';

// GET /api/v1/webhooks/:id/deliveries – newest first with the receiver's answers: ?limit (50, at most 100), ?cursor → { deliveries, nextCursor }
export const GET = withActor<{ id: string }>(async ({ req, actor, params, db }) =>
  NextResponse.json(await listDeliveries(db, actor, idOrNotFound(params.id, 'webhook'), Object.fromEntries(new URL(req.url).searchParams))),
);
