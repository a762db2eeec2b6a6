// The audit log: every state-changing action and every refused or failed attempt at one.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZNextCursor, ZPageQuery } from '@/lib/api/pagination';
import { ZAuditFilters } from '@/lib/audit/list-events';
import { ZAuditEvent } from '@/lib/audit/views';

export const auditRoutes = {
  listAuditEvents: defineRoute({
    method: 'GET',
    path: '/api/v1/audit-events',
    operationId: 'listAuditEvents',
    tag: 'Audit',
    summary: 'Audit log entries, newest first, filtered',
    summaryJa: '監査ログ (新しい順、絞り込みつき)',
    description:
      'Owners read their organizations\' entries, NII staff (in the browser) every entry. `format=csv` answers every matching entry at once as a CSV download (text/csv, UTF-8 with a byte order mark; columns at, actor, organization, action, target type, target id, ip, outcome, details) instead of a page.',
    access: { permission: 'readAudit' },
    query: ZPageQuery.extend(ZAuditFilters.shape).extend({
      format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional().describe('csv: every matching entry as a CSV download, not a page (default json).'),
    }),
    status: 200,
    output: z.object({ events: z.array(ZAuditEvent), nextCursor: ZNextCursor }),
  }),
};
