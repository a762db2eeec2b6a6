import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { afterCursor, cursorColumn, pageOf, pageOrder, type PageQuery } from '@/lib/api/pagination';
import { can, readableOrganizations, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { buildLogs, builds, buildSteps, templates, templateVersions, unitGroups, users, type Build } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { openSecretOutputs, withoutSecretValues } from '@/lib/secrets/build-secrets';
import { buildLogView, buildOutputView, buildStepView, buildSummaryView } from './view-of';
import type { BuildDetailView, BuildSummaryView } from './views';

const KEYSET = { sort: builds.createdAt, id: builds.id };

function summarySelect(db: Database) {
  return db
    .select({
      build: builds,
      templateSlug: templates.slug,
      definition: templateVersions.definition,
      templateVersion: templateVersions.version,
      unitGroupName: unitGroups.name,
      createdByEmail: users.email,
      id: builds.id,
      cursor: cursorColumn(KEYSET),
    })
    .from(builds)
    .innerJoin(templateVersions, eq(builds.templateVersionId, templateVersions.id))
    .innerJoin(templates, eq(templateVersions.templateId, templates.id))
    .innerJoin(users, eq(builds.createdBy, users.id))
    .leftJoin(unitGroups, eq(builds.unitGroupId, unitGroups.id));
}

type SummaryRow = Omit<Awaited<ReturnType<ReturnType<typeof summarySelect>['execute']>>[number], 'cursor'>;

// Secret parameters, generated credentials and secret outputs leave the server only through revealOnce.
const toSummary = (r: SummaryRow): BuildSummaryView =>
  buildSummaryView(r.build, { templateSlug: r.templateSlug, templateTitle: r.definition.title, templateVersion: r.templateVersion, unitGroupName: r.unitGroupName, createdByEmail: r.createdByEmail });

/** Builds the caller may see, newest first, a page at a time. */
export async function listBuilds(db: Database, actor: Actor, page: PageQuery = { limit: 50 }): Promise<{ builds: BuildSummaryView[]; nextCursor: string | null }> {
  const scope = readableOrganizations(actor);
  if (scope && scope.length === 0) return { builds: [], nextCursor: null };
  const rows = await summarySelect(db)
    .where(and(scope ? inArray(builds.organizationId, scope) : undefined, afterCursor(KEYSET, page.cursor)))
    .orderBy(...pageOrder(KEYSET))
    .limit(page.limit + 1);
  const { items, nextCursor } = pageOf(rows, page.limit);
  return { builds: items.map(toSummary), nextCursor };
}

/** A build with its steps and log lines after `afterLogId` (for incremental polling). */
export async function getBuildDetail(db: Database, actor: Actor, buildId: string, afterLogId = 0): Promise<BuildDetailView> {
  const [row] = await summarySelect(db).where(eq(builds.id, buildId));
  if (!row || !can(actor, 'read', row.build.organizationId)) throw new AppError('NOT_FOUND', 'No such build');
  const steps = await db.select().from(buildSteps).where(eq(buildSteps.buildId, buildId)).orderBy(asc(buildSteps.position));
  const logs = await db
    .select()
    .from(buildLogs)
    .where(and(eq(buildLogs.buildId, buildId), gt(buildLogs.id, afterLogId)))
    .orderBy(asc(buildLogs.id))
    .limit(1000);
  return {
    ...toSummary(row),
    parameters: row.build.parameters,
    outputs: (await revealOnce(db, actor, row.build)).map(buildOutputView),
    steps: steps.map(buildStepView),
    logs: logs.map(buildLogView),
  };
}

/**
 * Secret outputs (generated credentials) go to the build's creator once, in the first answer
 * after the build has them; everyone else, and every later answer, gets none of their values.
 * The reveal destroys them: afterwards neither the API nor the database has them.
 */
async function revealOnce(db: Database, actor: Actor, build: Build): Promise<Build['outputs']> {
  const hidden = withoutSecretValues(build.outputs);
  if (!build.outputs.some((o) => o.kind === 'secret') || actor.userId !== build.createdBy || build.secretsRevealedAt) return hidden;
  const values = await db.transaction(async (tx) => {
    // One statement takes the values and clears them, so two answers at once cannot both have them.
    const before = tx.select({ id: builds.id, secretOutputs: builds.secretOutputs, outputs: builds.outputs }).from(builds).where(eq(builds.id, build.id)).for('update').as('before');
    const [taken] = await tx
      .update(builds)
      .set({ secretsRevealedAt: sql`now()`, secretOutputs: null, outputs: hidden })
      .from(before)
      .where(and(eq(builds.id, before.id), isNull(builds.secretsRevealedAt)))
      .returning({ secretOutputs: before.secretOutputs, outputs: before.outputs });
    // Opened before the commit: when they cannot be opened, they stay rather than vanish unseen.
    return taken && openSecretOutputs(build.id, taken.secretOutputs, taken.outputs);
  });
  return values ? hidden.map((o) => (o.kind === 'secret' ? { ...o, values: values[o.key] ?? [] } : o)) : hidden;
}
