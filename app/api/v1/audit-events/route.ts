import { handle, type ContractHandler } from '@/lib/api/handle';
import { auditRoutes } from '@/lib/api/routes/audit';
import { auditEventsCsv } from '@/lib/audit/csv';
import { auditEventPage } from '@/lib/audit/list-events';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

const page = handle(auditRoutes.listAuditEvents, ({ actor, query, db }) => auditEventPage(db, actor, query));

// ?format=csv: every match, streamed as a download (UTF-8 with BOM). handle() answers JSON or a
// text body without headers of its own, so the download stays on withActor: the same caller, rights
// and filters (checked before the stream starts, so a refusal is still a JSON error).
const csv = withActor(async ({ req, actor, db }) => {
  const { format: _format, ...query } = Object.fromEntries(new URL(req.url).searchParams);
  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return new Response(await auditEventsCsv(db, actor, query), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="audit-events-${stamp}.csv"`,
      'cache-control': 'no-store',
    },
  });
});

export const GET: ContractHandler = Object.assign((req: Request, ctx: { params: Promise<Record<string, string>> }) => (new URL(req.url).searchParams.get('format') === 'csv' ? csv(req, ctx) : page(req, ctx)), {
  contract: page.contract,
});
