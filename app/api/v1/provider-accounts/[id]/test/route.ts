import { handle } from '@/lib/api/handle';
import { infrastructureRoutes } from '@/lib/api/routes/infrastructure';
import { testProviderAccount } from '@/lib/provider-accounts/test-account';

export const dynamic = 'force-dynamic';

export const POST = handle(infrastructureRoutes.testProviderAccount, ({ actor, params, meta, db }) => testProviderAccount(db, actor, params.id, meta), {
  audit: 'provider_account.test',
});
