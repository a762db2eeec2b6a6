import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';
import { revokeToken } from '@/lib/tokens/revoke-token';

export const dynamic = 'force-dynamic';

// DELETE /api/v1/tokens/:id – revoke an API token at once (again: no change)
export const DELETE = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => NextResponse.json({ token: await revokeToken(db, actor, idOrNotFound(params.id, 'API token'), meta) }),
  { audit: 'token.revoke' },
);
