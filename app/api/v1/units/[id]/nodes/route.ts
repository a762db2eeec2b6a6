import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { requestNodeAddition } from '@/lib/unit-groups/node-selectors';

export const dynamic = 'force-dynamic';

// POST /api/v1/units/:id/nodes – add nodes (add_nodes): { count } or { ipAddresses } → 202 { buildId }
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json(await requestNodeAddition(db, actor, idOrNotFound(params.id, 'unit'), await jsonBody(req), meta), { status: 202 }),
  { audit: 'unit.scale' },
);
