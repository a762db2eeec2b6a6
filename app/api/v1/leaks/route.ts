import { handle } from '@/lib/api/handle';
import { infrastructureRoutes } from '@/lib/api/routes/infrastructure';
import { listLeaks } from '@/lib/leaks/list-leaks';

export const dynamic = 'force-dynamic';

export const GET = handle(infrastructureRoutes.listLeaks, ({ actor, query, db }) => listLeaks(db, actor, query));
