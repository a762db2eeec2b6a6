import { handle } from '@/lib/api/handle';
import { infrastructureRoutes } from '@/lib/api/routes/infrastructure';
import { checkLeaksNow } from '@/lib/leaks/list-leaks';

export const dynamic = 'force-dynamic';

export const POST = handle(infrastructureRoutes.checkLeaks, async ({ actor, params, meta, db }) => ({ report: await checkLeaksNow(db, actor, params.id, meta) }), {
  audit: 'leak.check',
  auditOrganizationParam: 'id',
});
