import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';
import { testProviderAccount } from '@/lib/provider-accounts/test-account';

export const dynamic = 'force-dynamic';

// POST /api/v1/provider-accounts/:id/test – 接続テスト: sign in and find the account's network (reads only) → { account, test: { ok, code, message, advice? } }
export const POST = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => NextResponse.json(await testProviderAccount(db, actor, idOrNotFound(params.id, 'provider account'), meta)),
  { audit: 'provider_account.test' },
);
