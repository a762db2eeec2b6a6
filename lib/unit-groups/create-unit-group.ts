// The VCP SDK's create_ugroup: an empty unit group that units made from specs are added to. Its
// creating build is recorded as done at once: it names the template whose application those
// units run (lib/unit-groups/spec.ts), which every later change of the group reads.
import { randomUUID } from 'node:crypto';
import { and, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { actingOrganization, authorize, type Actor } from '@/lib/auth/actor';
import { appendBuildLog } from '@/lib/builds/log';
import { templateForBuild } from '@/lib/builds/plan-build';
import type { Database } from '@/lib/db/client';
import { builds, unitGroups } from '@/lib/db/schema';
import { invalidInput, pgErrorCode } from '@/lib/errors';
import { sealBuildSecrets } from '@/lib/secrets/build-secrets';
import { generateSecrets } from '@/lib/templates/render';
import { parseOrThrow, ZResourceName } from '@/lib/zod-fields';
import { SPEC_TEMPLATE } from './spec';

export const ZCreateUnitGroupInput = z.strictObject({
  name: ZResourceName,
  organizationId: z.uuid('must be an organization id').optional().describe('The organization it belongs to; an API token\'s own by default.'),
  expiresAt: z.coerce.date({ error: 'must be an ISO 8601 date and time' }).optional().describe('The end of its term.'),
});

const UNIQUE_VIOLATION = '23505';

export async function createUnitGroup(db: Database, actor: Actor, raw: unknown, meta: RequestMeta = { ip: null }): Promise<{ unitGroupId: string; buildId: string }> {
  const input = parseOrThrow(ZCreateUnitGroupInput, raw);
  const organizationId = actingOrganization(actor, input.organizationId);
  authorize(actor, 'build', organizationId, 'organization');
  if (input.expiresAt && input.expiresAt <= new Date()) throw invalidInput({ expiresAt: 'must be in the future' });
  const template = await templateForBuild(db, SPEC_TEMPLATE, actor, organizationId);
  const ids = await db
    .transaction(async (tx) => {
      const clash = await tx
        .select({ id: unitGroups.id })
        .from(unitGroups)
        .where(and(eq(unitGroups.organizationId, organizationId), eq(unitGroups.name, input.name), ne(unitGroups.state, 'DELETED')));
      if (clash.length) throw nameTaken(input.name);
      const [group] = await tx.insert(unitGroups).values({ organizationId, name: input.name, ownerId: actor.userId, state: 'RUNNING', expiresAt: input.expiresAt }).returning();
      const buildId = randomUUID();
      await tx.insert(builds).values({
        id: buildId,
        organizationId,
        templateVersionId: template.versionId,
        createdBy: actor.userId,
        unitGroupId: group!.id,
        status: 'SUCCEEDED',
        parameters: {},
        secrets: sealBuildSecrets(buildId, { parameters: {}, generated: generateSecrets(template.definition) }),
        startedAt: sql`now()`,
        finishedAt: sql`now()`,
      });
      return { unitGroupId: group!.id, buildId };
    })
    .catch((e: unknown) => {
      if (pgErrorCode(e) === UNIQUE_VIOLATION) throw nameTaken(input.name);
      throw e;
    });
  await recordAudit(db, {
    actor,
    organizationId,
    action: 'unitGroup.create',
    targetType: 'unitGroup',
    targetId: ids.unitGroupId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { name: input.name, ...(input.expiresAt ? { expiresAt: input.expiresAt.toISOString() } : {}) },
  });
  await appendBuildLog(db, ids.buildId, `${actor.email} made the empty unit group ${input.name}: add units to it from specs`);
  return ids;
}

function nameTaken(name: string) {
  return invalidInput({ name: `"${name}" is already used by another unit group of your organization` });
}
