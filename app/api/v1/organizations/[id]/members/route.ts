import { handle } from '@/lib/api/handle';
import { organizationRoutes } from '@/lib/api/routes/organizations';
import { addMember, listMembers } from '@/lib/organizations/members';

export const dynamic = 'force-dynamic';

export const GET = handle(organizationRoutes.listMembers, ({ actor, params, query, db }) => listMembers(db, actor, params.id, query));

export const POST = handle(organizationRoutes.addMember, async ({ actor, params, body, meta, db }) => ({ member: await addMember(db, actor, params.id, body, meta) }), {
  audit: 'member.add',
  auditOrganizationParam: 'id',
});
