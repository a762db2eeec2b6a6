import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { addProviderAccount, listProviderAccounts } from '@/lib/provider-accounts/manage-accounts';

export const dynamic = 'force-dynamic';

// GET /api/v1/organizations/:id/provider-accounts – the organization's cloud accounts (never their credentials)
export const GET = withActor<{ id: string }>(async ({ actor, params, db }) =>
  NextResponse.json({ accounts: await listProviderAccounts(db, actor, idOrNotFound(params.id, 'organization')) }),
);

// POST /api/v1/organizations/:id/provider-accounts – add { provider, name, region?, network, credentials, isDefault? } → 201 { account }
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) => {
    const account = await addProviderAccount(db, actor, idOrNotFound(params.id, 'organization'), await jsonBody(req), meta);
    return NextResponse.json({ account }, { status: 201 });
  },
  { audit: 'provider_account.add', auditOrganizationParam: 'id' },
);
