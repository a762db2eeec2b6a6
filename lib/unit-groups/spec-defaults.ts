import { actingOrganization, type Actor } from '@/lib/auth/actor';
import { templateForBuild } from '@/lib/builds/plan-build';
import type { Database } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { availableProviders } from '@/lib/providers/catalog';
import { SPEC_TEMPLATE, specDefaults, type SpecView } from './spec';

/** get_spec(provider, flavor) for the caller's organization (its own copy of the spec template, if it made one). */
export async function getSpecDefaults(db: Database, actor: Actor, provider: string, flavor: string): Promise<SpecView> {
  const organizationId = actor.token || actor.memberships.length ? actingOrganization(actor) : undefined;
  const template = await templateForBuild(db, SPEC_TEMPLATE, actor, organizationId);
  const spec = availableProviders().some((p) => p.id === provider) ? specDefaults(template.definition, provider, flavor) : null;
  if (!spec) throw new AppError('NOT_FOUND', `No flavor "${flavor}" of provider "${provider}": GET /api/v1/providers lists them`);
  return spec;
}
