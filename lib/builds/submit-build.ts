import { randomUUID } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { actingOrganization, authorize, type Actor } from '@/lib/auth/actor';
import { getCatalogEntryOrThrow } from '@/lib/catalog/queries';
import type { Database } from '@/lib/db/client';
import { builds, buildSteps, nodes, unitGroups, units } from '@/lib/db/schema';
import { AppError, invalidInput } from '@/lib/errors';
import { enqueue } from '@/lib/jobs/queue';
import { findProvider, getSpec, providerCatalog } from '@/lib/providers/catalog';
import { reserveNodes } from '@/lib/organizations/quota';
import { parseOrThrow } from '@/lib/zod-fields';
import { appendBuildLog } from './log';
import { BUILD_STEPS } from './steps';
import { markBuildFailed } from './state';
import { ZSubmitBuildInput } from './validation';

const UNIQUE_VIOLATION = '23505';

/**
 * Records a build with its unit group, units, nodes and steps — exactly what the worker will
 * create — then queues it. Returns at once; the worker does the provisioning.
 */
export async function submitBuild(db: Database, actor: Actor, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<{ buildId: string; unitGroupId: string }> {
  const input = parseOrThrow(ZSubmitBuildInput, rawInput);
  const organizationId = actingOrganization(actor, input.organizationId);
  authorize(actor, 'build', organizationId, 'organization');
  const template = await getCatalogEntryOrThrow(db, input.templateSlug).catch((e) => {
    throw e instanceof AppError && e.code === 'NOT_FOUND' ? invalidInput({ templateSlug: `no template "${input.templateSlug}" in the catalog` }) : e;
  });
  const provider = findProvider(input.provider);
  if (!provider) throw invalidInput({ provider: `unknown provider "${input.provider}"; choose one of ${providerCatalog().map((p) => p.id).join(', ')}` });
  const flavor = provider.flavors.find((f) => f.name === input.flavor);
  if (!flavor) throw invalidInput({ flavor: `provider "${input.provider}" has no flavor "${input.flavor}"` });

  const ids = await db
    .transaction(async (tx) => {
      const clash = await tx
        .select({ id: unitGroups.id })
        .from(unitGroups)
        .where(and(eq(unitGroups.organizationId, organizationId), eq(unitGroups.name, input.unitGroupName), ne(unitGroups.state, 'DELETED')));
      if (clash.length) throw nameTaken(input.unitGroupName);
      const requested = template.definition.units.reduce((n, u) => n + (u.nodes === 'fromParameters' ? input.nodes : u.nodes), 0);
      await reserveNodes(tx, organizationId, provider.id, requested);
      const [unitGroup] = await tx.insert(unitGroups).values({ organizationId, name: input.unitGroupName, ownerId: actor.userId }).returning();
      const [build] = await tx
        .insert(builds)
        .values({ organizationId, templateVersionId: template.versionId, createdBy: actor.userId, unitGroupId: unitGroup!.id, parameters: input })
        .returning();
      for (const u of template.definition.units) {
        const spec = {
          ...getSpec(provider.id, flavor.name),
          numNodes: u.nodes === 'fromParameters' ? input.nodes : u.nodes,
          image: u.image,
          tags: { 'ocs.template': template.slug, 'ocs.templateVersion': template.version },
        };
        const numNodes = spec.numNodes;
        const [unit] = await tx
          .insert(units)
          .values({
            unitGroupId: unitGroup!.id,
            name: u.name,
            role: u.role,
            provider: spec.provider,
            flavor: spec.flavor,
            numNodes,
            image: spec.image,
            instanceType: spec.instanceType ?? null,
            volumeSize: spec.volumeSize ?? null,
            ipAddresses: spec.ipAddresses,
            tags: spec.tags,
          })
          .returning();
        await tx.insert(nodes).values(
          Array.from({ length: numNodes }, (_, i) => {
            const id = randomUUID();
            return { id, unitId: unit!.id, unitGroupId: unitGroup!.id, nodeNo: i + 1, name: `ocs-${id}` };
          }),
        );
      }
      await tx.insert(buildSteps).values(BUILD_STEPS.map((key, position) => ({ buildId: build!.id, key, position })));
      return { buildId: build!.id, unitGroupId: unitGroup!.id };
    })
    .catch((e: unknown) => {
      // Two submissions racing for one name: the unique index decides.
      if ((e as { code?: string }).code === UNIQUE_VIOLATION) throw nameTaken(input.unitGroupName);
      throw e;
    });

  await recordAudit(db, {
    actor,
    organizationId,
    action: 'build.submit',
    targetType: 'build',
    targetId: ids.buildId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { template: `${template.slug}@${template.version}`, unitGroupName: input.unitGroupName, unitGroupId: ids.unitGroupId, provider: input.provider, flavor: input.flavor, nodes: input.nodes },
  });
  await appendBuildLog(db, ids.buildId, `${actor.email} submitted ${template.slug}@${template.version}: ${input.nodes} node(s), ${input.provider}/${input.flavor}`);
  try {
    await enqueue('build.run', { buildId: ids.buildId });
  } catch (e) {
    await markBuildFailed(db, ids.buildId, `the job queue could not be reached: ${(e as Error).message}`);
    throw new AppError('PROVIDER_UNAVAILABLE', 'The build was recorded but could not be queued because Redis is unreachable. It is marked FAILED.');
  }
  return ids;
}

function nameTaken(name: string): AppError {
  return invalidInput({ unitGroupName: `"${name}" is already used by another unit group of your organization` });
}
