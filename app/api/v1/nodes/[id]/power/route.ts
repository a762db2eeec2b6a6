import { NextResponse } from 'next/server';
import { z } from 'zod';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { requestNodePower } from '@/lib/nodes/power';
import { parseOrThrow } from '@/lib/zod-fields';

export const dynamic = 'force-dynamic';

const ZPower = z.object({ action: z.enum(['off', 'on'], { error: 'must be "off" or "on"' }) });

// POST /api/v1/nodes/:id/power { action: "off" | "on" } → 202 { nodeId, state }: powered off or on by a job
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const { action } = parseOrThrow(ZPower, await jsonBody(req));
    return NextResponse.json(await requestNodePower(db, actor, idOrNotFound(params.id, 'node'), action, meta), { status: 202 });
  },
  { audit: 'node.power' },
);
