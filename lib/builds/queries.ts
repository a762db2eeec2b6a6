import { and, asc, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { can, readableOrganizations, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { buildLogs, builds, buildSteps, templates, templateVersions, unitGroups, users, type Build, type BuildLog, type BuildStep } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

export type BuildSummary = Omit<Build, 'secrets'> & { templateSlug: string; templateTitle: { ja: string; en: string }; templateVersion: string; unitGroupName: string | null; createdByEmail: string };

function summarySelect(db: Database) {
  return db
    .select({
      build: builds,
      templateSlug: templates.slug,
      definition: templateVersions.definition,
      templateVersion: templateVersions.version,
      unitGroupName: unitGroups.name,
      createdByEmail: users.email,
    })
    .from(builds)
    .innerJoin(templateVersions, eq(builds.templateVersionId, templateVersions.id))
    .innerJoin(templates, eq(templateVersions.templateId, templates.id))
    .innerJoin(users, eq(builds.createdBy, users.id))
    .leftJoin(unitGroups, eq(builds.unitGroupId, unitGroups.id));
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summarySelect>['execute']>>[number];

function toSummary(r: SummaryRow): BuildSummary {
  // Secret parameters and generated credentials never leave the server.
  const { secrets: _secrets, ...build } = r.build;
  return {
    ...build,
    outputs: build.outputs.map((o) => (o.kind === 'secret' ? { ...o, values: [] } : o)),
    templateSlug: r.templateSlug,
    templateTitle: r.definition.title,
    templateVersion: r.templateVersion,
    unitGroupName: r.unitGroupName,
    createdByEmail: r.createdByEmail,
  };
}

export async function listBuilds(db: Database, actor: Actor, limit = 100): Promise<BuildSummary[]> {
  const scope = readableOrganizations(actor);
  if (scope && scope.length === 0) return [];
  const rows = await summarySelect(db)
    .where(scope ? inArray(builds.organizationId, scope) : undefined)
    .orderBy(desc(builds.createdAt))
    .limit(limit);
  return rows.map(toSummary);
}

export type BuildDetail = BuildSummary & { steps: BuildStep[]; logs: BuildLog[] };

/** A build with its steps and log lines after `afterLogId` (for incremental polling). */
export async function getBuildDetail(db: Database, actor: Actor, buildId: string, afterLogId = 0): Promise<BuildDetail> {
  const [row] = await summarySelect(db).where(eq(builds.id, buildId));
  if (!row || !can(actor, 'read', row.build.organizationId)) throw new AppError('NOT_FOUND', 'No such build');
  const steps = await db.select().from(buildSteps).where(eq(buildSteps.buildId, buildId)).orderBy(asc(buildSteps.position));
  const logs = await db
    .select()
    .from(buildLogs)
    .where(and(eq(buildLogs.buildId, buildId), gt(buildLogs.id, afterLogId)))
    .orderBy(asc(buildLogs.id))
    .limit(1000);
  return { ...toSummary(row), outputs: await revealOnce(db, actor, row.build), steps, logs };
}

/**
 * Secret outputs (generated credentials) go to the build's creator once, in the first answer
 * after the build has them; everyone else, and every later answer, gets none of their values.
 */
async function revealOnce(db: Database, actor: Actor, build: Build): Promise<Build['outputs']> {
  const hasSecrets = build.outputs.some((o) => o.kind === 'secret');
  const reveal =
    hasSecrets &&
    actor.userId === build.createdBy &&
    !build.secretsRevealedAt &&
    (await db.update(builds).set({ secretsRevealedAt: sql`now()` }).where(and(eq(builds.id, build.id), isNull(builds.secretsRevealedAt))).returning({ id: builds.id })).length > 0;
  return build.outputs.map((o) => (o.kind === 'secret' && !reveal ? { ...o, values: [] } : o));
}
