import { handle } from '@/lib/api/handle';
import { profileRoutes } from '@/lib/api/routes/profile';
import { deleteSshKey } from '@/lib/ssh-keys/user-keys';

export const dynamic = 'force-dynamic';

export const DELETE = handle(
  profileRoutes.deleteSshKey,
  async ({ actor, params, meta, db }) => {
    await deleteSshKey(db, actor, params.id, meta);
  },
  { audit: 'userSshKey.delete' },
);
