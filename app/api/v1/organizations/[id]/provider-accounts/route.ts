import { handle } from '@/lib/api/handle';
import { infrastructureRoutes } from '@/lib/api/routes/infrastructure';
import { addProviderAccount, listProviderAccounts } from '@/lib/provider-accounts/manage-accounts';

export const dynamic = 'force-dynamic';

export const GET = handle(infrastructureRoutes.listProviderAccounts, ({ actor, params, query, db }) => listProviderAccounts(db, actor, params.id, query));

export const POST = handle(
  infrastructureRoutes.addProviderAccount,
  async ({ actor, params, body, meta, db }) => ({ account: await addProviderAccount(db, actor, params.id, body, meta) }),
  { audit: 'provider_account.add', auditOrganizationParam: 'id' },
);
