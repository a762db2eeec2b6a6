import { NextResponse } from 'next/server';
import { z } from 'zod';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { requestNodePower } from '@/lib/nodes/power';
import { changeByHand } from '@/lib/schedules/manual-change';
import { parseOrThrow } from '@/lib/zod-fields';

export const dynamic = 'force-dynamic';

const ZPower = z.object({ action: z.enum(['off', 'on'], { error: 'must be "off" or "on"' }) });

// POST /api/v1/nodes/:id/power { action: "off" | "on", pauseSchedule? (lib/schedules/manual-change.ts) } → 202 { nodeId, state }: powered off or on by a job
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const nodeId = idOrNotFound(params.id, 'node');
    const power = async (input: unknown) => requestNodePower(db, actor, nodeId, parseOrThrow(ZPower, input).action, meta);
    return NextResponse.json(await changeByHand(db, actor, { nodeId }, await jsonBody(req), power, meta), { status: 202 });
  },
  { audit: 'node.power' },
);
