// What the leak sweeper found, as the API shows it: cloud machines carrying this installation's tag
// that no node of the portal accounts for; and what an organization's "check now" did.
import { z } from 'zod';
import { ZNextCursor, ZPageQuery } from '@/lib/api/pagination';
import { ZTimestamp } from '@/lib/api/schemas/common';
import { leakOutcome } from '@/lib/db/schema';

/** GET /api/v1/leaks's query. */
export const ZLeakQuery = ZPageQuery.extend({
  organizationId: z.uuid({ error: 'must be an organization id' }).optional().describe('Only this organization\'s leaks (else every organization the caller may read).'),
  state: z.enum(['open', 'all'], { error: 'must be "open" or "all"' }).default('all').describe('open: only leaks not ended yet; all (default): also those ended in the last 30 days.'),
});

export const ZLeakView = z
  .object({
    id: z.uuid(),
    provider: z.string(),
    accountId: z.uuid().describe('The provider account it was found in.'),
    accountName: z.string(),
    organizationId: z.uuid(),
    organizationName: z.string(),
    resourceId: z.string().describe('The machine\'s id at its provider.'),
    name: z.string(),
    reason: z.string().describe('Why it counts as a leak.'),
    firstSeenAt: ZTimestamp,
    lastSeenAt: ZTimestamp,
    removeAfter: ZTimestamp.nullable().describe('When the sweeper removes it; null once ended, or while in dry-run mode.'),
    lastError: z.string().nullable().describe('The last removal that failed, in the provider\'s words.'),
    endedAt: ZTimestamp.nullable(),
    outcome: z.enum(leakOutcome.enumValues).nullable().describe('removed by the sweeper; vanished (someone else removed it); claimed (a node recorded it after all); null while open.'),
  })
  .meta({ id: 'Leak' });

export const ZLeakList = z
  .object({
    leaks: z.array(ZLeakView),
    graceMinutes: z.number().int().describe('How long a leak stays before the sweeper removes it.'),
    dryRun: z.boolean().describe('The sweeper only finds and records; it removes nothing.'),
    nextCursor: ZNextCursor,
  })
  .meta({ id: 'LeakList' });

export const ZLeakSweepReport = z
  .object({
    accounts: z.number().int().describe('Accounts swept.'),
    listed: z.number().int().describe('Machines carrying the installation\'s tag, in all accounts listed.'),
    open: z.number().int().describe('Leaks open after the sweep.'),
    removed: z.array(z.string()).describe('Resource ids removed now.'),
    wouldRemove: z.array(z.string()).describe('Past their grace period, kept because of dry-run mode.'),
    failures: z
      .array(z.object({ accountId: z.uuid(), resourceId: z.string().optional(), error: z.string() }))
      .describe('Accounts that could not be listed, and removals that failed.'),
  })
  .meta({ id: 'LeakSweepReport' });

export type LeakView = z.input<typeof ZLeakView>;
export type LeakList = z.input<typeof ZLeakList>;
export type LeakSweepReport = z.input<typeof ZLeakSweepReport>;
