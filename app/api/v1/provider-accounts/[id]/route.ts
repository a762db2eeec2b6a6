import { handle } from '@/lib/api/handle';
import { infrastructureRoutes } from '@/lib/api/routes/infrastructure';
import { getProviderAccount, removeProviderAccount, updateProviderAccount } from '@/lib/provider-accounts/manage-accounts';

export const dynamic = 'force-dynamic';

export const GET = handle(infrastructureRoutes.getProviderAccount, async ({ actor, params, db }) => ({ account: await getProviderAccount(db, actor, params.id) }));

export const PATCH = handle(
  infrastructureRoutes.updateProviderAccount,
  async ({ actor, params, body, meta, db }) => ({ account: await updateProviderAccount(db, actor, params.id, body, meta) }),
  { audit: 'provider_account.update' },
);

export const DELETE = handle(infrastructureRoutes.removeProviderAccount, ({ actor, params, meta, db }) => removeProviderAccount(db, actor, params.id, meta), {
  audit: 'provider_account.remove',
});
