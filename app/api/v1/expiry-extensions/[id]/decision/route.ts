import { handle } from '@/lib/api/handle';
import { expiryRoutes } from '@/lib/api/routes/expiry';
import { decideExtension } from '@/lib/expiry/decide-extension';
import { getExtension } from '@/lib/expiry/queries';

export const dynamic = 'force-dynamic';

export const POST = handle(
  expiryRoutes.decideExpiryExtension,
  async ({ actor, params, body, meta, db }) => {
    const extension = await decideExtension(db, actor, params.id, body, meta);
    return { extension: await getExtension(db, extension.id) };
  },
  { audit: 'extension.decide' },
);
