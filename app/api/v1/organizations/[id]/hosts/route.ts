import { NextResponse } from 'next/server';
import { registerHost } from '@/lib/hosts/manage-hosts';
import { listHosts } from '@/lib/hosts/queries';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/organizations/:id/hosts – the organization's servers (not removed ones), by name, with their free capacity
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) =>
  NextResponse.json({ hosts: await listHosts(db, actor, idOrNotFound(params.id, 'organization')) }),
);

// POST /api/v1/organizations/:id/hosts – register a server { name, address, sshPort?, sshUser, hostKeyFingerprint?, capacity } → 201 { host }
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const host = await registerHost(db, actor, idOrNotFound(params.id, 'organization'), await jsonBody(req), meta);
    return NextResponse.json({ host }, { status: 201 });
  },
  { audit: 'host.register', auditOrganizationParam: 'id' },
);
