import { NextResponse } from 'next/server';
import { activateHost } from '@/lib/hosts/manage-hosts';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// POST /api/v1/hosts/:id/activate – new nodes may be placed on the server again → { host } (again: no change)
export const POST = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => NextResponse.json({ host: await activateHost(db, actor, idOrNotFound(params.id, 'host'), meta) }),
  { audit: 'host.activate' },
);
