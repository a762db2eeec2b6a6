// A unit's cloud-burst policy (OCS: "オンプレ資源が枯渇したときのみクラウドを利用"): once the lab's
// servers have no room, the unit's new nodes go to a cloud account and flavor.
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { providerAccounts, unitGroups, units, type BurstPolicy } from '@/lib/db/schema';
import { AppError, invalidInput } from '@/lib/errors';
import { defaultAccounts } from '@/lib/provider-accounts/manage-accounts';
import { accountProviderOf, canOverflow, findProvider, isCloud } from '@/lib/providers/catalog';
import { parseOrThrow } from '@/lib/zod-fields';

const seconds = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number of seconds from ${min} to ${max}` })
    .int(`must be a whole number of seconds from ${min} to ${max}`)
    .min(min, `must be at least ${min} seconds`)
    .max(max, `must be at most ${max} seconds`);

export const ZBurstPolicyInput = z.strictObject({
  provider: z.string({ error: 'is required' }).min(1, 'is required'),
  /** The organization's default account of the provider when absent. */
  accountId: z.uuid('must be an account id').optional(),
  flavor: z.string({ error: 'is required' }).min(1, 'is required'),
  maxNodes: z.coerce.number({ error: 'must be a whole number from 1 to 32' }).int('must be a whole number from 1 to 32').min(1, 'must be at least 1').max(32, 'must be at most 32'),
  /** Scale by the unit group's work queue (Slurm): add a node for jobs pending this long, remove overflow nodes idle this long. */
  queue: z.strictObject({ pendingSeconds: seconds(10, 86_400), idleSeconds: seconds(60, 86_400) }).optional(),
});

/** Checks a policy against the catalog and the organization's accounts, naming the field at fault. */
export async function resolveBurstPolicy(db: Database, organizationId: string, unitProvider: string, raw: unknown): Promise<Omit<BurstPolicy, 'setBy'>> {
  const input = parseOrThrow(ZBurstPolicyInput, raw);
  if (!canOverflow(unitProvider)) throw invalidInput({ provider: `only a unit on the lab's servers overflows to a cloud; this unit is on ${unitProvider}, which does not run out of room` });
  const provider = findProvider(input.provider);
  if (!provider || !isCloud(provider.id) || !provider.available)
    throw invalidInput({ provider: `"${input.provider}" is not a cloud nodes can be made on; choose a cloud provider that is available` });
  if (!provider.flavors.some((f) => f.name === input.flavor))
    throw invalidInput({ flavor: `${provider.id} has no flavor "${input.flavor}"; choose one of ${provider.flavors.map((f) => f.name).join(', ')}` });
  const accountProvider = accountProviderOf(provider.id);
  let accountId = input.accountId;
  if (accountId) {
    const [account] = await db
      .select({ id: providerAccounts.id })
      .from(providerAccounts)
      .where(and(eq(providerAccounts.id, accountId), eq(providerAccounts.organizationId, organizationId), eq(providerAccounts.provider, accountProvider), isNull(providerAccounts.removedAt)));
    if (!account) throw invalidInput({ accountId: `no ${accountProvider} account of this organization has this id` });
  } else {
    accountId = (await defaultAccounts(db, organizationId))[accountProvider]?.id;
    if (!accountId) throw invalidInput({ accountId: `the organization has no ${accountProvider} account: add one under プロバイダアカウント first` });
  }
  return { provider: provider.id, providerAccountId: accountId, flavor: input.flavor, maxNodes: input.maxNodes, ...(input.queue ? { queue: input.queue } : {}) };
}

/** Sets (or, with null, removes) a unit's burst policy. Nodes already on the cloud stay until the unit shrinks. */
export async function setUnitBurst(db: Database, actor: Actor, unitId: string, raw: unknown, meta: RequestMeta = { ip: null }): Promise<{ unitId: string; burst: BurstPolicy | null }> {
  const [row] = await db.select({ unit: units, group: unitGroups }).from(units).innerJoin(unitGroups, eq(units.unitGroupId, unitGroups.id)).where(eq(units.id, unitId));
  if (!row || row.group.state === 'DELETED' || row.group.state === 'DELETING') throw new AppError('NOT_FOUND', 'No such unit');
  authorize(actor, 'build', row.group.organizationId, 'unit');
  const burst = raw === null ? null : { ...(await resolveBurstPolicy(db, row.group.organizationId, row.unit.provider, raw)), setBy: actor.userId };
  await db.update(units).set({ burst }).where(eq(units.id, unitId));
  await recordAudit(db, {
    actor,
    organizationId: row.group.organizationId,
    action: 'unit.burst',
    targetType: 'unit',
    targetId: unitId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { unitGroup: row.group.name, unit: row.unit.name, burst },
  });
  return { unitId, burst };
}
