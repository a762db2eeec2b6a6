import { randomUUID } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { actingOrganization, authorize, type Actor } from '@/lib/auth/actor';
import { homePlacement } from '@/lib/burst/placement';
import type { Database } from '@/lib/db/client';
import { builds, buildSteps, nodes, unitGroups, units } from '@/lib/db/schema';
import { AppError, invalidInput, pgErrorCode } from '@/lib/errors';
import { enqueueAfterCommit, QUEUE_DELAYED } from '@/lib/jobs/queue';
import { reserveNodes } from '@/lib/organizations/quota';
import { sealBuildSecrets } from '@/lib/secrets/build-secrets';
import { isSecret } from '@/lib/templates/parameters';
import { generateSecrets } from '@/lib/templates/render';
import { resolveValues } from '@/lib/templates/values';
import { parseOrThrow } from '@/lib/zod-fields';
import { appendBuildLog } from './log';
import { serverCapacity } from '@/lib/hosts/placement';
import { planAccounts } from '@/lib/provider-accounts/manage-accounts';
import { planOrThrow, templateForBuild } from './plan-build';
import { ZSubmitBuildInput, type SubmitBuildInput } from './validation';

const UNIQUE_VIOLATION = '23505';

/**
 * Plans the build and records exactly what the plan shows — unit group, units, nodes and the
 * template's steps — counting its nodes against the quota in the same transaction, then queues
 * it. Returns at once; the worker does the provisioning.
 */
export async function submitBuild(db: Database, actor: Actor, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<{ buildId: string; unitGroupId: string }> {
  return submitParsedBuild(db, actor, parseOrThrow(ZSubmitBuildInput, rawInput), meta);
}

/** submitBuild with its input already parsed (the API's route: lib/api/routes/builds.ts). */
export async function submitParsedBuild(db: Database, actor: Actor, input: SubmitBuildInput, meta: RequestMeta = { ip: null }): Promise<{ buildId: string; unitGroupId: string }> {
  if (input.expiresAt && input.expiresAt <= new Date()) throw invalidInput({ expiresAt: 'must be in the future' });
  const organizationId = actingOrganization(actor, input.organizationId);
  authorize(actor, 'build', organizationId, 'organization');
  const template = await templateForBuild(db, input.templateSlug, actor, organizationId);
  // The accounts are read once: the units record the very ones the plan was checked against.
  const accounts = await planAccounts(db, organizationId);
  const plan = await planOrThrow(template, input, { servers: await serverCapacity(db, organizationId), accounts });
  // Quota is decided below under the organization's lock; anything else that blocks the plan blocks the build.
  const blocking = plan.problems.filter((p) => p.kind !== 'quota');
  if (blocking.length) throw invalidInput({ provider: blocking.map((p) => p.message).join('; ') });
  const resolved = await resolveValues(template.definition, input.parameters ?? {});
  if (!resolved.ok) throw invalidInput(resolved.errors);
  const schema = template.definition.parameters;
  const secretParameters = Object.fromEntries(Object.entries(resolved.parameters).filter(([name]) => isSecret(schema.properties[name])));

  const ids = await db
    .transaction(async (tx) => {
      const clash = await tx
        .select({ id: unitGroups.id })
        .from(unitGroups)
        .where(and(eq(unitGroups.organizationId, organizationId), eq(unitGroups.name, input.unitGroupName), ne(unitGroups.state, 'DELETED')));
      if (clash.length) throw nameTaken(input.unitGroupName);
      for (const { provider, nodes: count } of plan.totals.byProvider) await reserveNodes(tx, organizationId, provider, count);
      const [unitGroup] = await tx.insert(unitGroups).values({ organizationId, name: input.unitGroupName, ownerId: actor.userId, expiresAt: input.expiresAt }).returning();
      // The id is chosen here: the sealed secrets are bound to it.
      const buildId = randomUUID();
      const [build] = await tx
        .insert(builds)
        .values({
          id: buildId,
          organizationId,
          templateVersionId: template.versionId,
          createdBy: actor.userId,
          unitGroupId: unitGroup!.id,
          parameters: plan.parameters,
          secrets: sealBuildSecrets(buildId, { parameters: secretParameters, generated: generateSecrets(template.definition) }),
        })
        .returning();
      for (const u of plan.units) {
        const [unit] = await tx
          .insert(units)
          .values({
            unitGroupId: unitGroup!.id,
            name: u.name,
            role: u.role,
            provider: u.provider,
            flavor: u.flavor,
            numNodes: u.numNodes,
            image: u.image,
            instanceType: u.instanceType,
            volumeSize: u.volumeSize,
            providerAccountId: u.account?.id ?? null,
            tags: { 'ocs.template': template.slug, 'ocs.templateVersion': template.version },
          })
          .returning();
        if (u.numNodes > 0)
          await tx.insert(nodes).values(
            Array.from({ length: u.numNodes }, (_, i) => {
              const id = randomUUID();
              return { id, unitId: unit!.id, unitGroupId: unitGroup!.id, nodeNo: i + 1, name: `ocs-${id}`, ...homePlacement(unit!) };
            }),
          );
      }
      await tx
        .insert(buildSteps)
        .values(plan.steps.map((s, position) => ({ buildId: build!.id, key: s.key, action: s.action, title: s.title, applications: s.applications, position })));
      return { buildId: build!.id, unitGroupId: unitGroup!.id };
    })
    .catch((e: unknown) => {
      // Two submissions racing for one name: the unique index decides.
      if (pgErrorCode(e) === UNIQUE_VIOLATION) throw nameTaken(input.unitGroupName);
      throw e;
    });

  const summary = plan.units.map((u) => `${u.name} ×${u.numNodes} (${u.provider}/${u.flavor})`).join(', ');
  await recordAudit(db, {
    actor,
    organizationId,
    action: 'build.submit',
    targetType: 'build',
    targetId: ids.buildId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { template: `${template.slug}@${template.version}`, unitGroupName: input.unitGroupName, unitGroupId: ids.unitGroupId, units: summary, parameters: plan.parameters, ...(input.expiresAt ? { expiresAt: input.expiresAt.toISOString() } : {}) },
  });
  await appendBuildLog(db, ids.buildId, `${actor.email} submitted ${template.slug}@${template.version}: ${summary}`);
  // The build is recorded: if Redis cannot take it now, the reconciler queues it once Redis is back.
  if (!(await enqueueAfterCommit('build.run', { buildId: ids.buildId }))) await appendBuildLog(db, ids.buildId, QUEUE_DELAYED, { level: 'warn' });
  return ids;
}

function nameTaken(name: string): AppError {
  return invalidInput({ unitGroupName: `"${name}" is already used by another unit group of your organization` });
}
