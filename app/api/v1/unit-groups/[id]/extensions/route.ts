import { handle } from '@/lib/api/handle';
import { expiryRoutes } from '@/lib/api/routes/expiry';
import { expiryOf, getExtension } from '@/lib/expiry/queries';
import { requestExtensionTo } from '@/lib/expiry/request-extension';

export const dynamic = 'force-dynamic';

export const GET = handle(expiryRoutes.getUnitGroupExpiry, ({ actor, params, query, db }) => expiryOf(db, actor, params.id, query));

export const POST = handle(
  expiryRoutes.requestExpiryExtension,
  async ({ actor, params, body, meta, db }) => {
    const extension = await requestExtensionTo(db, actor, params.id, body, meta);
    return { extension: await getExtension(db, extension.id) };
  },
  { audit: 'extension.request' },
);
