import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { getProviderAccount, removeProviderAccount, updateProviderAccount } from '@/lib/provider-accounts/manage-accounts';

export const dynamic = 'force-dynamic';

// GET /api/v1/provider-accounts/:id – one cloud account (never its credentials)
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) =>
  NextResponse.json({ account: await getProviderAccount(db, actor, idOrNotFound(params.id, 'provider account')) }),
);

// PATCH /api/v1/provider-accounts/:id – change any of { name, region, network, isDefault } → { account }
export const PATCH = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) =>
    NextResponse.json({ account: await updateProviderAccount(db, actor, idOrNotFound(params.id, 'provider account'), await jsonBody(req), meta) }),
  { audit: 'provider_account.update' },
);

// DELETE /api/v1/provider-accounts/:id – remove the account; its credentials are erased → 204
export const DELETE = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => {
    await removeProviderAccount(db, actor, idOrNotFound(params.id, 'provider account'), meta);
    return new Response(null, { status: 204 });
  },
  { audit: 'provider_account.remove' },
);
