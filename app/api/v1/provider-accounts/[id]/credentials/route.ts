import { handle } from '@/lib/api/handle';
import { infrastructureRoutes } from '@/lib/api/routes/infrastructure';
import { replaceProviderCredentials } from '@/lib/provider-accounts/manage-accounts';

export const dynamic = 'force-dynamic';

export const PUT = handle(
  infrastructureRoutes.replaceProviderCredentials,
  async ({ actor, params, body, meta, db }) => ({ account: await replaceProviderCredentials(db, actor, params.id, body, meta) }),
  { audit: 'provider_account.replace_credentials' },
);
