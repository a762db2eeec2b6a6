import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';
import { deleteSshKey } from '@/lib/ssh-keys/user-keys';

export const dynamic = 'force-dynamic';

// DELETE /api/v1/me/ssh-keys/:id – one of the caller's keys → 204; removed from the nodes
export const DELETE = withActor<{ id: string }>(
  async ({ actor, params, meta, db }) => {
    await deleteSshKey(db, actor, idOrNotFound(params.id, 'SSH key'), meta);
    return new Response(null, { status: 204 });
  },
  { audit: 'userSshKey.delete' },
);
