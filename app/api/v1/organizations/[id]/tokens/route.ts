import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { issueToken } from '@/lib/tokens/issue-token';
import { listTokens } from '@/lib/tokens/list-tokens';

export const dynamic = 'force-dynamic';

// GET /api/v1/organizations/:id/tokens – the organization's API tokens with status and last use (never secrets)
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) =>
  NextResponse.json({ tokens: await listTokens(db, actor, idOrNotFound(params.id, 'organization')) }),
);

// POST /api/v1/organizations/:id/tokens – issue a token { userId, note, role, expiresAt? } → 201 { token, secret } (the secret only here)
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const issued = await issueToken(db, actor, idOrNotFound(params.id, 'organization'), await jsonBody(req), meta);
    return NextResponse.json(issued, { status: 201, headers: { 'cache-control': 'no-store' } });
  },
  { audit: 'token.issue', auditOrganizationParam: 'id' },
);
