import { handle } from '@/lib/api/handle';
import { nodeRoutes } from '@/lib/api/routes/nodes';
import { openNodeSession } from '@/lib/node-sessions/open-session';

export const dynamic = 'force-dynamic';

export const POST = handle(nodeRoutes.openNodeSession, ({ body, actor, params, meta, db }) => openNodeSession(db, actor, params.id, body, meta), { audit: 'node.session' });
