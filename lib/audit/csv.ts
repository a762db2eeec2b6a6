import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { auditQueryOf, listAuditEvents, type AuditEventRow } from './list-events';

// RFC 4180 CSV, UTF-8 with a byte order mark so Excel (Japanese Windows included) reads it as UTF-8.
const BOM = '\uFEFF';
export const AUDIT_CSV_COLUMNS = ['at', 'actor', 'organization', 'action', 'target type', 'target id', 'ip', 'outcome', 'details'] as const;
const PAGE = 1000;

/**
 * One field. Quoted when it holds a comma, quote or line break (quotes doubled). A leading
 * = + - @ or tab would make a spreadsheet run it as a formula, so it is prefixed with an apostrophe.
 */
export function csvField(value: string | number | null | undefined): string {
  let text = value == null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(fields: (string | number | null | undefined)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export function auditCsvRecord(e: AuditEventRow): string {
  return csvRecord([e.at.toISOString(), e.actorLabel, e.organizationName, e.action, e.targetType, e.targetId, e.ipAddress, e.outcome, JSON.stringify(e.details)]);
}

/**
 * Every entry matching the filters as a CSV stream, newest first, fetched a page at a time.
 * The rights and filters are checked before it returns, so a refusal is still a JSON error.
 */
export async function auditEventsCsv(db: Database, actor: Actor, rawQuery: unknown): Promise<ReadableStream<Uint8Array>> {
  const query = { ...auditQueryOf(rawQuery), limit: PAGE };
  let page = await listAuditEvents(db, actor, query);
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(BOM + csvRecord([...AUDIT_CSV_COLUMNS]) + page.events.map(auditCsvRecord).join('')));
        if (page.nextBefore === null) controller.close();
        return;
      }
      page = await listAuditEvents(db, actor, { ...query, before: page.nextBefore });
      controller.enqueue(encoder.encode(page.events.map(auditCsvRecord).join('')));
      if (page.nextBefore === null) controller.close();
    },
  });
}
