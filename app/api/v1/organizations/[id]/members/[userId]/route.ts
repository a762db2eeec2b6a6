import { handle } from '@/lib/api/handle';
import { organizationRoutes } from '@/lib/api/routes/organizations';
import { changeMemberRole, removeMember } from '@/lib/organizations/members';

export const dynamic = 'force-dynamic';

export const PATCH = handle(
  organizationRoutes.changeMemberRole,
  async ({ actor, params, body, meta, db }) => ({ member: await changeMemberRole(db, actor, params.id, params.userId, body, meta) }),
  { audit: 'member.changeRole', auditOrganizationParam: 'id', auditTargetParam: 'userId' },
);

export const DELETE = handle(organizationRoutes.removeMember, ({ actor, params, meta, db }) => removeMember(db, actor, params.id, params.userId, meta), {
  audit: 'member.remove',
  auditOrganizationParam: 'id',
  auditTargetParam: 'userId',
});
