import { handle } from '@/lib/api/handle';
import { organizationRoutes } from '@/lib/api/routes/organizations';
import { listOrganizationPage } from '@/lib/organizations/list-organizations';

export const dynamic = 'force-dynamic';

export const GET = handle(organizationRoutes.listOrganizations, ({ actor, query, db }) => listOrganizationPage(db, actor, query));
