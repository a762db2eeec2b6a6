import { NextResponse } from 'next/server';
import { auditEventsCsv } from '@/lib/audit/csv';
import { listAuditEvents } from '@/lib/audit/list-events';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/audit-events – audit entries newest first; filters organizationId, action, actor, outcome,
// from, to; paging before, limit; ?format=csv → every match as a CSV download (UTF-8 with BOM)
export const GET = withActor(async ({ req, actor, db }) => {
  const { format, ...query } = Object.fromEntries(new URL(req.url).searchParams);
  if (format === 'csv') {
    const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    return new Response(await auditEventsCsv(db, actor, query), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="audit-events-${stamp}.csv"`,
        'cache-control': 'no-store',
      },
    });
  }
  return NextResponse.json(await listAuditEvents(db, actor, query));
});
