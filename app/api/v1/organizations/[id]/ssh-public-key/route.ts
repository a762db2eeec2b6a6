import { handle } from '@/lib/api/handle';
import { organizationRoutes } from '@/lib/api/routes/organizations';
import { organizationSshPublicKey } from '@/lib/hosts/ssh-key';

export const dynamic = 'force-dynamic';

export const GET = handle(organizationRoutes.getOrganizationSshPublicKey, ({ actor, params, meta, db }) => organizationSshPublicKey(db, actor, params.id, meta));
