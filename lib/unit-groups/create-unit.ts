// The VCP SDK's create_unit(name, spec): a unit of the spec's nodes in a unit group, brought up by
// a scale build (create the nodes, start the base container, wait until each answers) whose id
// the caller watches. Its nodes count against the quota in the transaction that records them.
import { and, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import { appendBuildLog } from '@/lib/builds/log';
import type { Database } from '@/lib/db/client';
import { unitGroups, units } from '@/lib/db/schema';
import { AppError, invalidInput, pgErrorCode } from '@/lib/errors';
import { enqueueAfterCommit, QUEUE_DELAYED } from '@/lib/jobs/queue';
import { ACCOUNT_FIELDS } from '@/lib/providers/account-fields';
import { accountProviderOf, availableProviders, DEFAULT_IMAGE, getSpec, hasFixedIps } from '@/lib/providers/catalog';
import { planAccounts } from '@/lib/provider-accounts/manage-accounts';
import { resolveValues } from '@/lib/templates/values';
import { parseOrThrow, ZResourceName } from '@/lib/zod-fields';
import { unitGroupTemplate } from './queries';
import { addNodes, recordChangeBuild } from './scale-unit';
import { containerValues, SPEC_ROLE, SPEC_TEMPLATE, ZUnitSpec, type UnitSpec } from './spec';

export const ZCreateUnitInput = z.strictObject({ name: ZResourceName, spec: ZUnitSpec });

const UNIQUE_VIOLATION = '23505';

export async function createUnit(db: Database, actor: Actor, unitGroupId: string, raw: unknown, meta: RequestMeta = { ip: null }): Promise<{ unitId: string; buildId: string }> {
  const { name, spec } = parseOrThrow(ZCreateUnitInput, raw);
  const group = await db.query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) });
  if (!group || group.state === 'DELETED') throw new AppError('NOT_FOUND', 'No such unit group');
  authorize(actor, 'build', group.organizationId, 'unit group');
  const template = await unitGroupTemplate(db, unitGroupId);
  if (!template?.applications.some((a) => a.role === SPEC_ROLE) || !template.units.some((u) => u.role === SPEC_ROLE))
    throw new AppError('CONFLICT', `Units from a spec go into a unit group made empty (POST /api/v1/unit-groups) or from the ${SPEC_TEMPLATE} template; this one was built from another template`);
  checkPlacement(spec);
  const account = await accountFor(db, group.organizationId, spec.provider);
  const own = containerValues(spec);
  if ('problem' in own) throw invalidInput({ [own.field]: own.problem });
  const resolved = await resolveValues(template, own.values);
  if (!resolved.ok) throw invalidInput(Object.fromEntries(Object.entries(resolved.errors).map(([field, problem]) => [field.replace(/^parameters\./, 'spec.'), problem])));
  const flavor = getSpec(spec.provider, spec.flavor);

  const { unitId, buildId } = await db
    .transaction(async (tx) => {
      // One change at a time per unit group, as for every scale (lib/unit-groups/scale-unit.ts).
      const [locked] = await tx.select({ state: unitGroups.state }).from(unitGroups).where(eq(unitGroups.id, unitGroupId)).for('update');
      if (locked?.state !== 'RUNNING' && locked?.state !== 'ERROR') throw new AppError('CONFLICT', `The unit group is ${locked?.state}; wait until it is RUNNING before adding a unit`);
      const clash = await tx.select({ id: units.id }).from(units).where(and(eq(units.unitGroupId, unitGroupId), eq(units.name, name), ne(units.state, 'DELETED')));
      if (clash.length) throw nameTaken(name);
      const [unit] = await tx
        .insert(units)
        .values({
          unitGroupId,
          name,
          role: SPEC_ROLE,
          provider: spec.provider,
          flavor: spec.flavor,
          numNodes: spec.numNodes,
          image: DEFAULT_IMAGE,
          instanceType: spec.instanceType ?? flavor.instanceType ?? null,
          volumeSize: spec.volumeSize ?? flavor.volumeSize ?? null,
          providerAccountId: account,
          ipAddresses: spec.ipAddresses ?? [],
          tags: spec.tags ?? {},
          specValues: own.values,
        })
        .returning();
      await addNodes(tx, unit!, group.organizationId, spec.numNodes, []);
      await tx.update(unitGroups).set({ state: 'APPLYING', stateReason: null, updatedAt: sql`now()` }).where(eq(unitGroups.id, unitGroupId));
      const buildId = await recordChangeBuild(tx, unitGroupId, group.organizationId, actor.userId, { unit: name, from: 0, to: spec.numNodes, provider: spec.provider, flavor: spec.flavor });
      return { unitId: unit!.id, buildId };
    })
    .catch((e: unknown) => {
      if (pgErrorCode(e) === UNIQUE_VIOLATION) throw nameTaken(name);
      throw e;
    });

  const image = typeof resolved.values.image === 'string' ? resolved.values.image : DEFAULT_IMAGE;
  await recordAudit(db, {
    actor,
    organizationId: group.organizationId,
    action: 'unit.create',
    targetType: 'unit',
    targetId: unitId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { unitGroup: group.name, unit: name, provider: spec.provider, flavor: spec.flavor, numNodes: spec.numNodes, image, buildId },
  });
  await appendBuildLog(db, buildId, `${actor.email} added unit ${name} to ${group.name}: ${spec.numNodes} node(s) on ${spec.provider}/${spec.flavor} running ${image}`);
  if (!(await enqueueAfterCommit('build.run', { buildId }))) await appendBuildLog(db, buildId, QUEUE_DELAYED, { level: 'warn' });
  return { unitId, buildId };
}

function checkPlacement(spec: UnitSpec): void {
  const provider = availableProviders().find((p) => p.id === spec.provider);
  if (!provider) throw invalidInput({ 'spec.provider': `must be one of ${availableProviders().map((p) => p.id).join(', ')}` });
  if (!provider.flavors.some((f) => f.name === spec.flavor)) throw invalidInput({ 'spec.flavor': `must be one of ${provider.flavors.map((f) => f.name).join(', ')} on ${spec.provider}` });
  if (spec.ipAddresses?.length) {
    if (!hasFixedIps(spec.provider)) throw invalidInput({ 'spec.ipAddresses': `nodes on ${spec.provider} get their addresses from it; leave this out` });
    if (spec.ipAddresses.length !== spec.numNodes) throw invalidInput({ 'spec.ipAddresses': `give one address per node (${spec.numNodes})` });
    if (new Set(spec.ipAddresses).size !== spec.ipAddresses.length) throw invalidInput({ 'spec.ipAddresses': 'an address is given twice' });
  }
}

/** The organization's default account of the spec's cloud; null on a provider that takes none. */
async function accountFor(db: Database, organizationId: string, provider: string): Promise<string | null> {
  const cloud = accountProviderOf(provider);
  if (!ACCOUNT_FIELDS[cloud]) return null;
  const account = (await planAccounts(db, organizationId)).find((a) => a.provider === cloud && a.isDefault);
  if (!account) throw invalidInput({ 'spec.provider': `the organization has no ${cloud} account: add one under Cloud accounts (クラウドアカウント) first` });
  return account.id;
}

function nameTaken(name: string): AppError {
  return invalidInput({ name: `the unit group already has a unit "${name}"` });
}
