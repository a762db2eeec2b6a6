import { handle } from '@/lib/api/handle';
import { organizationRoutes } from '@/lib/api/routes/organizations';
import { setExpiryPolicy } from '@/lib/expiry/policy';

export const dynamic = 'force-dynamic';

export const PATCH = handle(organizationRoutes.updateOrganization, ({ actor, params, body, meta, db }) => setExpiryPolicy(db, actor, params.id, body, meta), {
  audit: 'organization.expiryPolicy',
  auditOrganizationParam: 'id',
});
