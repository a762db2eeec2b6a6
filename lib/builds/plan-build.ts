import { actingOrganization, authorize, type Actor } from '@/lib/auth/actor';
import { getCatalogEntryOrThrow, type CatalogEntry } from '@/lib/catalog/queries';
import type { Database } from '@/lib/db/client';
import { AppError, invalidInput } from '@/lib/errors';
import { quotaUsage } from '@/lib/organizations/quota';
import { serverCapacity } from '@/lib/hosts/placement';
import { planAccounts } from '@/lib/provider-accounts/manage-accounts';
import { planBuild, type Plan, type PlanAccount, type QuotaUsage, type ServerCapacity } from '@/lib/templates/plan';
import { parseOrThrow } from '@/lib/zod-fields';
import { ZPlanBuildInput } from './validation';

/** The template a build of the organization means: its own copy of that slug, else the shared one. */
export async function templateForBuild(db: Database, slug: string, actor?: Actor, organizationId?: string): Promise<CatalogEntry> {
  return getCatalogEntryOrThrow(db, slug, actor, organizationId).catch((e) => {
    throw e instanceof AppError && e.code === 'NOT_FOUND' ? invalidInput({ templateSlug: `no template "${slug}" in the catalog` }) : e;
  });
}

/** The plan of a build for a template and parameters, or the field errors that prevent one. */
export async function planOrThrow(template: CatalogEntry, input: Parameters<typeof planBuild>[1], context: { quota?: QuotaUsage; servers?: ServerCapacity; accounts?: PlanAccount[] } = {}): Promise<Plan> {
  const result = await planBuild(template.definition, input, context);
  if (!result.ok) throw invalidInput(result.errors);
  return result.plan;
}

/** What a build would create, with quota use and cost, as `terraform plan` shows it. */
export async function previewBuild(db: Database, actor: Actor, rawInput: unknown): Promise<Plan> {
  const input = parseOrThrow(ZPlanBuildInput, rawInput);
  const organizationId = actingOrganization(actor, input.organizationId);
  authorize(actor, 'build', organizationId, 'organization');
  const template = await templateForBuild(db, input.templateSlug, actor, organizationId);
  return planOrThrow(template, input, { quota: await quotaUsage(db, organizationId), servers: await serverCapacity(db, organizationId), accounts: await planAccounts(db, organizationId) });
}
