import { NextResponse } from 'next/server';
import { syncRequestSchema } from '@/agent/protocol';
import { authenticateAgent } from '@/lib/agent-channel/credentials';
import { syncAgent } from '@/lib/agent-channel/sync';
import { AppError } from '@/lib/errors';
import { jsonBody, withDatabase } from '@/lib/http/route';
import { parseOrThrow } from '@/lib/zod-fields';

export const dynamic = 'force-dynamic';

const MAX_WAIT_SECONDS = 300;

// POST /api/agent/v1/nodes/:nodeId/sync?wait=S – the agent's report in, the node's desired state out
// (a long poll: held up to S seconds while nothing changes). Authorization: Bearer <node credential>.
export const POST = withDatabase<{ nodeId: string }>(async ({ req, params, db }) => {
  await authenticateAgent(db, params.nodeId, req.headers.get('authorization'));
  const body = parseOrThrow(syncRequestSchema, await jsonBody(req));
  const wait = Number(new URL(req.url).searchParams.get('wait') ?? 0);
  if (!Number.isFinite(wait) || wait < 0 || wait > MAX_WAIT_SECONDS)
    throw new AppError('INVALID_INPUT', `wait must be a number of seconds from 0 to ${MAX_WAIT_SECONDS}`, { fields: { wait: 'is out of range' } });
  return NextResponse.json(await syncAgent(db, params.nodeId, body, wait, req.signal));
});
