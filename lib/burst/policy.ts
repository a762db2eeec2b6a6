// A unit's cloud-burst policy (OCS: "オンプレ資源が枯渇したときのみクラウドを利用"): once the lab's
// servers have no room, the unit's new nodes go to a cloud account and flavor. A unit on a cloud
// may carry one too, on its own cloud, for its size to follow the Slurm queue.
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { providerAccounts, unitGroups, units, type BurstPolicy, type Unit, type UnitGroup } from '@/lib/db/schema';
import { AppError, invalidInput } from '@/lib/errors';
import { defaultAccounts } from '@/lib/provider-accounts/manage-accounts';
import { accountProviderOf, canOverflow, findProvider, isCloud } from '@/lib/providers/catalog';
import { runsWorkQueue, unitGroupTemplate } from '@/lib/unit-groups/queries';
import type { ZBurstView } from '@/lib/unit-groups/views';
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
  /** Scale by the unit group's work queue (Slurm): add the nodes jobs pending this long ask for, remove overflow nodes idle this long. */
  queue: z.strictObject({ pendingSeconds: seconds(10, 86_400), idleSeconds: seconds(60, 86_400) }).optional(),
});

/**
 * Checks a policy against the catalog, the unit's template and the organization's accounts,
 * naming the field at fault.
 */
async function resolveBurstPolicy(db: Database, organizationId: string, unit: Unit, raw: unknown): Promise<Omit<BurstPolicy, 'setBy'>> {
  const input = parseOrThrow(ZBurstPolicyInput, raw);
  // A unit on a cloud does not run out of room: its policy can only let its own cloud follow the queue.
  if (!canOverflow(unit.provider) && input.provider !== unit.provider)
    throw invalidInput({ provider: `a unit on ${unit.provider} does not overflow elsewhere; give ${unit.provider} and a queue for its size to follow the Slurm queue` });
  if (!canOverflow(unit.provider) && !input.queue) throw invalidInput({ queue: `a unit on ${unit.provider} does not run out of room: its policy is for following the Slurm queue` });
  const provider = findProvider(input.provider);
  if (!provider || !isCloud(provider.id) || !provider.available)
    throw invalidInput({ provider: `"${input.provider}" is not a cloud nodes can be made on; choose a cloud provider that is available` });
  const template = await unitGroupTemplate(db, unit.unitGroupId);
  const runsOn = Object.keys(template?.units.find((u) => u.name === unit.name)?.providers ?? {});
  if (!runsOn.includes(provider.id)) throw invalidInput({ provider: `this unit's template runs it on ${runsOn.join(', ')}, not on ${provider.id}` });
  if (input.queue && !(template && runsWorkQueue(template))) throw invalidInput({ queue: "this unit group's template runs no scheduler whose queue the portal can read" });
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

/** A policy as the API shows it (lib/unit-groups/views.ts ZBurstView): who set it stays inside. */
export function burstView(b: BurstPolicy): z.input<typeof ZBurstView> {
  return { provider: b.provider, providerAccountId: b.providerAccountId, flavor: b.flavor, maxNodes: b.maxNodes, ...(b.queue ? { queue: { pendingSeconds: b.queue.pendingSeconds, idleSeconds: b.queue.idleSeconds } } : {}) };
}

/** Sets a unit's burst policy, replacing any it had. */
export async function setUnitBurst(db: Database, actor: Actor, unitId: string, raw: unknown, meta: RequestMeta = { ip: null }): Promise<{ unitId: string; burst: BurstPolicy }> {
  const row = await burstUnit(db, actor, unitId);
  const burst = { ...(await resolveBurstPolicy(db, row.group.organizationId, row.unit, raw)), setBy: actor.userId };
  await saveBurst(db, actor, row, burst, meta);
  return { unitId, burst };
}

/** Removes a unit's burst policy. Nodes already on the cloud stay until the unit shrinks. */
export async function removeUnitBurst(db: Database, actor: Actor, unitId: string, meta: RequestMeta = { ip: null }): Promise<void> {
  await saveBurst(db, actor, await burstUnit(db, actor, unitId), null, meta);
}

async function burstUnit(db: Database, actor: Actor, unitId: string): Promise<{ unit: Unit; group: UnitGroup }> {
  const [row] = await db.select({ unit: units, group: unitGroups }).from(units).innerJoin(unitGroups, eq(units.unitGroupId, unitGroups.id)).where(eq(units.id, unitId));
  if (!row || row.group.state === 'DELETED') throw new AppError('NOT_FOUND', 'No such unit');
  authorize(actor, 'build', row.group.organizationId, 'unit');
  if (row.group.state === 'DELETING') throw new AppError('CONFLICT', 'The unit group is being deleted');
  return row;
}

async function saveBurst(db: Database, actor: Actor, row: { unit: Unit; group: UnitGroup }, burst: BurstPolicy | null, meta: RequestMeta): Promise<void> {
  const unitId = row.unit.id;
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
}
