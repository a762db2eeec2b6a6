import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';
import { unitGroupMetrics } from '@/lib/metrics/query';

export const dynamic = 'force-dynamic';

// GET /api/v1/unit-groups/:id/metrics?range=1h|6h|24h|7d|30d|90d → the charts' series per node and per application
export const GET = withActor<{ id: string }>(async ({ req, actor, params, db }) =>
  NextResponse.json(await unitGroupMetrics(db, actor, idOrNotFound(params.id, 'unit group'), Object.fromEntries(new URL(req.url).searchParams))),
);
