import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { addMember, listMembers } from '@/lib/organizations/members';

export const dynamic = 'force-dynamic';

// GET /api/v1/organizations/:id/members – the organization's members and their roles (admins and owners)
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) =>
  NextResponse.json({ members: await listMembers(db, actor, idOrNotFound(params.id, 'organization')) }),
);

// POST /api/v1/organizations/:id/members – add someone by e-mail { email, role } → 201
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const member = await addMember(db, actor, idOrNotFound(params.id, 'organization'), await jsonBody(req), meta);
    return NextResponse.json({ member }, { status: 201 });
  },
  { audit: 'member.add', auditOrganizationParam: 'id' },
);
