// An audit log entry as the API shows it: who (by label, readable after the user is gone), what,
// on what, from where, and how it ended.
import { z } from 'zod';
import { ZTimestamp } from '@/lib/api/schemas/common';
import { auditOutcome } from '@/lib/db/schema';

export const ZAuditEvent = z
  .object({
    id: z.number().int().describe('Entries are numbered in the order they were written.'),
    at: ZTimestamp,
    actorLabel: z.string().describe('Who: an e-mail, or "<e-mail> (token <prefix>)"; "anonymous" or "refused bearer token" for callers the portal could not identify.'),
    organizationId: z.uuid().nullable(),
    organizationName: z.string().nullable(),
    action: z.string().describe('<area>.<verb>: build.submit, unitGroup.delete, token.issue, application.approve, …'),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ipAddress: z.string().nullable(),
    outcome: z.enum(auditOutcome.enumValues).describe('success; denied (refused: no such thing, or no right to it); failure (allowed, but it failed).'),
    details: z.record(z.string(), z.unknown()).describe('What the action changed or why it failed; free-form, by action.'),
  })
  .meta({ id: 'AuditEvent' });

export type AuditEventView = z.input<typeof ZAuditEvent>;
