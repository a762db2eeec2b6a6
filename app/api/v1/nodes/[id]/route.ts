import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';
import { getNodeDetail } from '@/lib/nodes/node-detail';

export const dynamic = 'force-dynamic';

// GET /api/v1/nodes/:id → { node }: where it is, how to log in, what it runs
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) => NextResponse.json({ node: await getNodeDetail(db, actor, idOrNotFound(params.id, 'node')) }));
