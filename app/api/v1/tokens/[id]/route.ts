import { handle } from '@/lib/api/handle';
import { organizationRoutes } from '@/lib/api/routes/organizations';
import { revokeToken } from '@/lib/tokens/revoke-token';

export const dynamic = 'force-dynamic';

export const DELETE = handle(organizationRoutes.revokeToken, async ({ actor, params, meta, db }) => ({ token: await revokeToken(db, actor, params.id, meta) }), {
  audit: 'token.revoke',
});
