import { NextResponse } from 'next/server';
import { drainHost } from '@/lib/hosts/manage-hosts';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// POST /api/v1/hosts/:id/drain – no new nodes are placed on the server (its nodes stay) → { host } (again: no change)
export const POST = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => NextResponse.json({ host: await drainHost(db, actor, idOrNotFound(params.id, 'host'), meta) }),
  { audit: 'host.drain' },
);
