import { NextResponse } from 'next/server';
import { removeHost, updateHost } from '@/lib/hosts/manage-hosts';
import { getHost } from '@/lib/hosts/queries';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/hosts/:id – one server
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) => NextResponse.json({ host: await getHost(db, actor, idOrNotFound(params.id, 'host')) }));

// PATCH /api/v1/hosts/:id – change any of { name, address, sshPort, sshUser, hostKeyFingerprint (null: unpin), capacity } → { host }
export const PATCH = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => NextResponse.json({ host: await updateHost(db, actor, idOrNotFound(params.id, 'host'), await jsonBody(req), meta) }),
  { audit: 'host.update' },
);

// DELETE /api/v1/hosts/:id – remove a server from the portal; its name is free again → 204
export const DELETE = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => {
    await removeHost(db, actor, idOrNotFound(params.id, 'host'), meta);
    return new Response(null, { status: 204 });
  },
  { audit: 'host.remove' },
);
