import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, isNull, ne, sql } from 'drizzle-orm';
import { afterCursor, cursorColumn, pageOf, pageOrder, type PageQuery } from '@/lib/api/pagination';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database, Transaction } from '@/lib/db/client';
import { nodes, providerAccounts, units, type ProviderAccount } from '@/lib/db/schema';
import { AppError, invalidInput, pgErrorCode } from '@/lib/errors';
import { given } from '@/lib/providers/account-fields';
import type { PlanAccount } from '@/lib/templates/plan';
import { sealProviderCredentials } from '@/lib/secrets/provider-credentials';
import { parseOrThrow } from '@/lib/zod-fields';
import { accountFieldsOf, parseAccountPart, parseAddAccount, ZReplaceCredentials, ZUpdateAccount } from './validation';
import type { ProviderAccountView } from './views';

export type { ProviderAccountView } from './views';

const UNIQUE_VIOLATION = '23505';
const live = isNull(providerAccounts.removedAt);

/** An account as the API shows it (lib/provider-accounts/views.ts), field by field: never its credentials, only what identifies them. */
export function viewOf(account: ProviderAccount): ProviderAccountView {
  return {
    id: account.id,
    organizationId: account.organizationId,
    provider: account.provider,
    name: account.name,
    region: account.region,
    network: account.network,
    credentialHint: account.credentialHint,
    isDefault: account.isDefault,
    lastTestAt: account.lastTestAt,
    lastTestOk: account.lastTestOk,
    lastTestCode: account.lastTestCode,
    lastTestMessage: account.lastTestMessage,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}

function nameTakenOr(name: string | undefined) {
  return (e: unknown): never => {
    if (name !== undefined && pgErrorCode(e) === UNIQUE_VIOLATION) throw invalidInput({ name: `"${name}" is already the name of another account of this organization` });
    throw e;
  };
}

/** The other accounts of its provider stop being the default (in the same transaction that makes this one it). */
async function clearDefault(tx: Transaction, account: { id: string; organizationId: string; provider: string }): Promise<void> {
  await tx
    .update(providerAccounts)
    .set({ isDefault: false, updatedAt: sql`now()` })
    .where(and(eq(providerAccounts.organizationId, account.organizationId), eq(providerAccounts.provider, account.provider), ne(providerAccounts.id, account.id), live));
}

/** The organization's live accounts, newest first, a page at a time (never their credentials). */
export async function listProviderAccounts(db: Database, actor: Actor, organizationId: string, page: PageQuery = { limit: 50 }): Promise<{ accounts: ProviderAccountView[]; nextCursor: string | null }> {
  authorize(actor, 'read', organizationId, 'organization');
  const keyset = { sort: providerAccounts.createdAt, id: providerAccounts.id };
  const rows = await db
    .select({ account: providerAccounts, id: providerAccounts.id, cursor: cursorColumn(keyset) })
    .from(providerAccounts)
    .where(and(eq(providerAccounts.organizationId, organizationId), live, afterCursor(keyset, page.cursor)))
    .orderBy(...pageOrder(keyset))
    .limit(page.limit + 1);
  const { items, nextCursor } = pageOf(rows, page.limit);
  return { accounts: items.map((r) => viewOf(r.account)), nextCursor };
}

/** An account the actor may do `permission` on; a removed one or another organization's is "not found". */
export async function loadAccount(db: Database, actor: Actor, accountId: string, permission: 'read' | 'manageAccounts'): Promise<ProviderAccount> {
  const account = await db.query.providerAccounts.findFirst({ where: and(eq(providerAccounts.id, accountId), live) });
  if (!account) throw new AppError('NOT_FOUND', 'No such provider account');
  authorize(actor, permission, account.organizationId, 'provider account');
  return account;
}

export async function getProviderAccount(db: Database, actor: Actor, accountId: string): Promise<ProviderAccountView> {
  return viewOf(await loadAccount(db, actor, accountId, 'read'));
}

/** Adds an account; the first one of its provider in the organization becomes the default. */
export async function addProviderAccount(db: Database, actor: Actor, organizationId: string, raw: unknown, meta: RequestMeta = { ip: null }): Promise<ProviderAccountView> {
  authorize(actor, 'manageAccounts', organizationId, 'organization');
  const input = parseAddAccount(raw);
  const fields = accountFieldsOf(input.provider);
  const id = randomUUID();
  const account = await db
    .transaction(async (tx) => {
      const [other] = await tx
        .select({ id: providerAccounts.id })
        .from(providerAccounts)
        .where(and(eq(providerAccounts.organizationId, organizationId), eq(providerAccounts.provider, input.provider), live))
        .limit(1);
      const isDefault = input.isDefault ?? !other;
      // Cleared first: the unique index allows one default per provider at every moment.
      if (isDefault) await clearDefault(tx, { id, organizationId, provider: input.provider });
      const [row] = await tx
        .insert(providerAccounts)
        .values({
          id,
          organizationId,
          provider: input.provider,
          name: input.name,
          region: input.region,
          network: input.network,
          credentials: sealProviderCredentials(id, input.credentials),
          credentialHint: fields.hint(input.credentials),
          isDefault,
          createdBy: actor.userId,
        })
        .returning();
      return row!;
    })
    .catch(nameTakenOr(input.name));
  await recordAudit(db, {
    actor,
    organizationId,
    action: 'provider_account.add',
    targetType: 'provider_account',
    targetId: id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { provider: account.provider, name: account.name, region: account.region, network: account.network, credentials: account.credentialHint, isDefault: account.isDefault },
  });
  return viewOf(account);
}

/** Changes the name, region, network or default flag; credentials are replaced, never edited (replaceProviderCredentials). */
export async function updateProviderAccount(db: Database, actor: Actor, accountId: string, raw: unknown, meta: RequestMeta = { ip: null }): Promise<ProviderAccountView> {
  const account = await loadAccount(db, actor, accountId, 'manageAccounts');
  const input = parseOrThrow(ZUpdateAccount, raw);
  const fields = accountFieldsOf(account.provider);
  const changes: Partial<typeof providerAccounts.$inferInsert> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.region !== undefined) changes.region = parseAccountPart(fields, 'region', input.region);
  if (input.network !== undefined) changes.network = given(parseAccountPart(fields, 'network', input.network));
  if (input.isDefault !== undefined) changes.isDefault = input.isDefault;
  // Another region or network was not what the last connection test found.
  if (changes.region !== undefined || changes.network !== undefined) Object.assign(changes, { lastTestAt: null, lastTestOk: null, lastTestCode: null, lastTestMessage: null });
  const updated = await db
    .transaction(async (tx) => {
      if (changes.isDefault) await clearDefault(tx, account);
      const [row] = await tx
        .update(providerAccounts)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(and(eq(providerAccounts.id, accountId), live))
        .returning();
      if (!row) throw new AppError('NOT_FOUND', 'No such provider account');
      return row;
    })
    .catch(nameTakenOr(input.name));
  const changed = (Object.keys(changes) as (keyof typeof changes)[]).filter((k) => !k.startsWith('lastTest') && JSON.stringify(account[k as keyof ProviderAccount]) !== JSON.stringify(updated[k as keyof ProviderAccount]));
  if (changed.length)
    await recordAudit(db, {
      actor,
      organizationId: account.organizationId,
      action: 'provider_account.update',
      targetType: 'provider_account',
      targetId: accountId,
      ipAddress: meta.ip,
      outcome: 'success',
      details: { name: updated.name, changes: Object.fromEntries(changed.map((k) => [k, { from: account[k as keyof ProviderAccount], to: updated[k as keyof ProviderAccount] }])) },
    });
  return viewOf(updated);
}

/** Replaces the account's credentials as a whole; its last connection test no longer holds. */
export async function replaceProviderCredentials(db: Database, actor: Actor, accountId: string, raw: unknown, meta: RequestMeta = { ip: null }): Promise<ProviderAccountView> {
  const account = await loadAccount(db, actor, accountId, 'manageAccounts');
  const fields = accountFieldsOf(account.provider);
  const { credentials: sent } = parseOrThrow(ZReplaceCredentials, raw);
  const credentials = given(parseAccountPart(fields, 'credentials', sent ?? {}));
  const [updated] = await db
    .update(providerAccounts)
    .set({
      credentials: sealProviderCredentials(accountId, credentials),
      credentialHint: fields.hint(credentials),
      lastTestAt: null,
      lastTestOk: null,
      lastTestCode: null,
      lastTestMessage: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(providerAccounts.id, accountId), live))
    .returning();
  if (!updated) throw new AppError('NOT_FOUND', 'No such provider account');
  await recordAudit(db, {
    actor,
    organizationId: account.organizationId,
    action: 'provider_account.replace_credentials',
    targetType: 'provider_account',
    targetId: accountId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { name: account.name, from: account.credentialHint, to: updated.credentialHint },
  });
  return viewOf(updated);
}

/**
 * Removes an account (its row stays for the builds that used it and the audit trail); its
 * credentials are erased. Not while a node lives in it or a burst policy sends nodes there:
 * without its credentials those machines could not be removed.
 */
export async function removeProviderAccount(db: Database, actor: Actor, accountId: string, meta: RequestMeta = { ip: null }): Promise<void> {
  const account = await loadAccount(db, actor, accountId, 'manageAccounts');
  const [machines] = await db.select({ n: count() }).from(nodes).where(and(eq(nodes.providerAccountId, accountId), isNull(nodes.deletedAt)));
  const [policies] = await db.select({ n: count() }).from(units).where(and(ne(units.state, 'DELETED'), sql`${units.burst}->>'providerAccountId' = ${accountId}`));
  const inUse = { nodes: machines?.n ?? 0, policies: policies?.n ?? 0 };
  if (inUse.nodes || inUse.policies)
    throw new AppError('CONFLICT', `The account is in use by ${inUse.nodes} node(s) and ${inUse.policies} burst policy(ies): delete those unit groups, or change the policies, first`, {
      fields: { account: `in use by ${inUse.nodes} node(s) and ${inUse.policies} burst policy(ies)` },
    });
  const removed = await db
    .update(providerAccounts)
    // Nothing can use them any more: keep no secret that serves no one.
    .set({ removedAt: sql`now()`, isDefault: false, credentials: '', updatedAt: sql`now()` })
    .where(and(eq(providerAccounts.id, accountId), live))
    .returning({ id: providerAccounts.id });
  if (!removed.length) throw new AppError('NOT_FOUND', 'No such provider account');
  await recordAudit(db, {
    actor,
    organizationId: account.organizationId,
    action: 'provider_account.remove',
    targetType: 'provider_account',
    targetId: accountId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { provider: account.provider, name: account.name },
  });
}

/** The organization's live accounts, for a build's plan: each unit's is the role's choice or the provider's default. */
export async function planAccounts(db: Database, organizationId: string): Promise<PlanAccount[]> {
  return db
    .select({ id: providerAccounts.id, name: providerAccounts.name, provider: providerAccounts.provider, isDefault: providerAccounts.isDefault })
    .from(providerAccounts)
    .where(and(eq(providerAccounts.organizationId, organizationId), live))
    .orderBy(asc(providerAccounts.provider), asc(providerAccounts.name));
}

/** The organization's default account of each provider that has one: what a build there uses. */
export async function defaultAccounts(db: Database, organizationId: string): Promise<Record<string, { id: string; name: string }>> {
  const rows = await db
    .select({ id: providerAccounts.id, name: providerAccounts.name, provider: providerAccounts.provider })
    .from(providerAccounts)
    .where(and(eq(providerAccounts.organizationId, organizationId), eq(providerAccounts.isDefault, true), live));
  return Object.fromEntries(rows.map((r) => [r.provider, { id: r.id, name: r.name }]));
}
