import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { openNodeSession } from '@/lib/node-sessions/open-session';

export const dynamic = 'force-dynamic';

// POST /api/v1/nodes/:id/sessions { kind: "terminal", columns?, rows? } | { kind: "logs", application }
//   → 201 { sessionId, webSocketPath, expiresAt }: open the WebSocket at webSocketPath within a minute
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json(await openNodeSession(db, actor, idOrNotFound(params.id, 'node'), await jsonBody(req), meta), { status: 201 }),
  { audit: 'node.session' },
);
