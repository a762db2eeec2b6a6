import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { replaceProviderCredentials } from '@/lib/provider-accounts/manage-accounts';

export const dynamic = 'force-dynamic';

// PUT /api/v1/provider-accounts/:id/credentials – replace { credentials } as a whole → { account }
export const PUT = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) =>
    NextResponse.json({ account: await replaceProviderCredentials(db, actor, idOrNotFound(params.id, 'provider account'), await jsonBody(req), meta) }),
  { audit: 'provider_account.replace_credentials' },
);
