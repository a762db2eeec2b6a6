import { handle } from '@/lib/api/handle';
import { expiryRoutes } from '@/lib/api/routes/expiry';
import { listExtensionQueue } from '@/lib/expiry/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(expiryRoutes.listExpiryExtensions, ({ actor, query, db }) => listExtensionQueue(db, actor, query));
