import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { changeMemberRole, removeMember } from '@/lib/organizations/members';

export const dynamic = 'force-dynamic';

type Params = { id: string; userId: string };

// PATCH /api/v1/organizations/:id/members/:userId – change a member's role { role } (the last owner stays: 409)
export const PATCH = withActor<Params>(
  async ({ req, actor, params, meta, db }) => {
    const member = await changeMemberRole(db, actor, idOrNotFound(params.id, 'organization'), idOrNotFound(params.userId, 'member'), await jsonBody(req), meta);
    return NextResponse.json({ member });
  },
  { audit: 'member.changeRole', auditOrganizationParam: 'id', auditTargetParam: 'userId' },
);

// DELETE /api/v1/organizations/:id/members/:userId – remove a member and revoke their tokens here → 204 (the last owner stays: 409)
export const DELETE = withActor<Params>(
  async ({ actor, params, meta, db }) => {
    await removeMember(db, actor, idOrNotFound(params.id, 'organization'), idOrNotFound(params.userId, 'member'), meta);
    return new Response(null, { status: 204 });
  },
  { audit: 'member.remove', auditOrganizationParam: 'id', auditTargetParam: 'userId' },
);
