import { handle } from '@/lib/api/handle';
import { profileRoutes } from '@/lib/api/routes/profile';
import { addSshKey, listSshKeys } from '@/lib/ssh-keys/user-keys';

export const dynamic = 'force-dynamic';

export const GET = handle(profileRoutes.listSshKeys, ({ actor, query, db }) => listSshKeys(db, actor, query));

export const POST = handle(profileRoutes.addSshKey, async ({ body, actor, meta, db }) => ({ key: await addSshKey(db, actor, body, meta) }), { audit: 'userSshKey.add' });
