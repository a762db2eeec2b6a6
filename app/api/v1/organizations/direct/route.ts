import type { ContractHandler } from '@/lib/api/handle';
import { handle } from '@/lib/api/handle';
import { organizationRoutes } from '@/lib/api/routes/organizations';
import { createdOrganizationView } from '@/lib/organizations/view-of';
import { createOrganizationDirectly } from '@/lib/service-applications/direct-organization';
import { edition, requireEdition } from '@/lib/service-applications/edition';

export const dynamic = 'force-dynamic';

const contract = organizationRoutes.createOrganizationDirectly;

/** The service edition has no such route: it answers 404 before reading the body (to whoever signs in). */
function portableOnly(portable: ContractHandler, other: ContractHandler): ContractHandler {
  return Object.assign((req: Request, ctx: { params: Promise<Record<string, string>> }) => (edition() === 'portable' ? portable : other)(req, ctx), { contract });
}

export const POST = portableOnly(
  handle(
    contract,
    async ({ actor, body, meta, db }) => ({ organization: createdOrganizationView(await createOrganizationDirectly(db, actor, body, meta)) }),
    { audit: 'organization.create' },
  ),
  handle(
    { ...contract, body: undefined },
    async () => {
      requireEdition('portable');
      throw new Error('unreachable: the portable edition has its own handler');
    },
    { audit: 'organization.create' },
  ),
);
