import { NextResponse } from 'next/server';
import { registerRequestSchema } from '@/agent/protocol';
import { registerAgent } from '@/lib/agent-channel/credentials';
import { jsonBody, withDatabase } from '@/lib/http/route';
import { parseOrThrow } from '@/lib/zod-fields';

export const dynamic = 'force-dynamic';

// POST /api/agent/v1/register – a node's agent spends its one-time bootstrap token for the node's credential.
export const POST = withDatabase(async ({ req, db }) => {
  const body = parseOrThrow(registerRequestSchema, await jsonBody(req));
  return NextResponse.json(await registerAgent(db, body));
});
