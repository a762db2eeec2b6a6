import { handle } from '@/lib/api/handle';
import { organizationRoutes } from '@/lib/api/routes/organizations';
import { issueToken } from '@/lib/tokens/issue-token';
import { listTokens } from '@/lib/tokens/list-tokens';

export const dynamic = 'force-dynamic';

export const GET = handle(organizationRoutes.listTokens, ({ actor, params, query, db }) => listTokens(db, actor, params.id, query));

// The secret is in this answer only.
export const POST = handle(organizationRoutes.issueToken, ({ actor, params, body, meta, db }) => issueToken(db, actor, params.id, body, meta), {
    audit: 'token.issue',
    auditOrganizationParam: 'id',
  });
