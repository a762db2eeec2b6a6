import { and, eq, isNull, sql } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { providerAccounts } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { accountChecker } from '@/lib/providers/account-check';
import { findProvider } from '@/lib/providers/catalog';
import { openProviderCredentials } from '@/lib/secrets/provider-credentials';
import { loadAccount, viewOf } from './manage-accounts';
import type { AccountTestView, ProviderAccountView } from './views';

/**
 * 接続テスト: signs in to the provider with the account's credentials and looks for the network it
 * names (reads only), recording the outcome on the account. A failure is an answer, not an error:
 * it carries the provider's code and what to do next.
 */
export async function testProviderAccount(db: Database, actor: Actor, accountId: string, meta: RequestMeta = { ip: null }): Promise<{ account: ProviderAccountView; test: AccountTestView }> {
  const account = await loadAccount(db, actor, accountId, 'manageAccounts');
  const check = await accountChecker(account.provider);
  if (!check) {
    const label = findProvider(account.provider)?.label.en ?? account.provider;
    throw new AppError('CONFLICT', `The portal has no driver for ${label} yet, so its accounts cannot be tested`, { fields: { provider: 'has no driver yet' } });
  }
  const credentials = openProviderCredentials(account.id, account.credentials);
  const test = await check({ id: account.id, provider: account.provider, region: account.region, network: account.network, credentials });
  const [updated] = await db
    .update(providerAccounts)
    .set({ lastTestAt: sql`now()`, lastTestOk: test.ok, lastTestCode: test.code, lastTestMessage: test.message.slice(0, 1000), updatedAt: sql`now()` })
    // An account changed meanwhile (its credentials replaced) was not the one tested. Not compared by
    // the sealed credentials: a provider that rotates its token on every call (mdx) re-seals them.
    // updated_at has microseconds and the loaded Date milliseconds: compared within that step.
    .where(and(eq(providerAccounts.id, accountId), isNull(providerAccounts.removedAt), sql`${providerAccounts.updatedAt} >= ${account.updatedAt.toISOString()}::timestamptz and ${providerAccounts.updatedAt} < ${account.updatedAt.toISOString()}::timestamptz + interval '2 milliseconds'`))
    .returning();
  await recordAudit(db, {
    actor,
    organizationId: account.organizationId,
    action: 'provider_account.test',
    targetType: 'provider_account',
    targetId: accountId,
    ipAddress: meta.ip,
    outcome: test.ok ? 'success' : 'failure',
    details: { name: account.name, ok: test.ok, code: test.code },
  });
  const advice = test.advice && { ja: test.advice.ja, en: test.advice.en };
  return { account: viewOf(updated ?? (await loadAccount(db, actor, accountId, 'read'))), test: { ok: test.ok, code: test.code, message: test.message, ...(advice ? { advice } : {}) } };
}
