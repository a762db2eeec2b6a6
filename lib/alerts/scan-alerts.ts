// Alerts by mail to an organization's owners and admins: a node that goes HOST_ERROR or
// CONTAINER_ERROR, a build that fails, with the reason and a link. A scheduled round records each
// occurrence once (PostgreSQL decides, so a round run twice or by two workers tells once), then
// sends what is unsent, retrying a failed mail a few times.
import { and, eq, gt, inArray, isNull, lt, notInArray, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { alerts, builds, memberships, nodes, unitGroups, units, users, type Alert } from '@/lib/db/schema';
import { publicPortalUrl } from '@/lib/env';
import { sendMail } from '@/lib/mail/send';
import { recordAlertEvents } from '@/lib/webhooks/domain-events';

const NODE_ERRORS = ['HOST_ERROR', 'CONTAINER_ERROR'] as const;
/** A failed build is told of if it failed this recently: an upgrade does not mail every old failure. */
const BUILD_WINDOW_MS = 60 * 60_000;
const MAX_ATTEMPTS = 5;

export interface AlertRound {
  opened: number;
  resolved: number;
  sent: number;
  failed: number;
}

export async function scanAlerts(db: Database, now: Date = new Date()): Promise<AlertRound> {
  // A node alert ends once the node is out of that state (or gone): a later error is a new one.
  const resolved = await db
    .update(alerts)
    .set({ resolvedAt: now })
    .where(
      and(
        eq(alerts.kind, 'node_error'),
        isNull(alerts.resolvedAt),
        sql`not exists (select 1 from ${nodes} where ${nodes.id} = ${alerts.targetId} and ${nodes.state}::text = ${alerts.state} and ${nodes.deletedAt} is null)`,
      ),
    )
    .returning({ id: alerts.id });

  const failing = await db
    .select({ node: nodes, unitName: units.name, group: unitGroups })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    // A unit group under a change (APPLYING) is told of by its build's alert if the change fails.
    .where(and(inArray(nodes.state, [...NODE_ERRORS]), isNull(nodes.deletedAt), notInArray(unitGroups.state, ['APPLYING', 'DELETING', 'DELETED'])));
  const failedBuilds = await db
    .select({ build: builds, groupName: unitGroups.name })
    .from(builds)
    .leftJoin(unitGroups, eq(builds.unitGroupId, unitGroups.id))
    .where(and(eq(builds.status, 'FAILED'), gt(builds.finishedAt, new Date(now.getTime() - BUILD_WINDOW_MS))));
  const rows = [
    ...failing.map(({ node, unitName, group }) => ({
      organizationId: group.organizationId,
      kind: 'node_error' as const,
      targetId: node.id,
      state: node.state,
      subject: `ノード ${unitName}-${node.nodeNo} (${group.name}) が ${node.state} です / Node ${unitName}-${node.nodeNo} of ${group.name} is ${node.state}`,
      reason: node.stateReason ?? node.state,
      link: `${publicPortalUrl()}/unit-groups/${group.id}`,
    })),
    ...failedBuilds.map(({ build, groupName }) => ({
      organizationId: build.organizationId,
      kind: 'build_failed' as const,
      targetId: build.id,
      state: 'FAILED',
      subject: `構築に失敗しました: ${groupName ?? build.id} / A build failed: ${groupName ?? build.id}`,
      reason: build.error ?? 'no reason recorded',
      link: `${publicPortalUrl()}/builds/${build.id}`,
    })),
  ];
  // Webhook deliveries are recorded with the alert, so each occurrence reaches them once too.
  const opened = rows.length
    ? await db.transaction(async (tx) => {
        const inserted = await tx.insert(alerts).values(rows).onConflictDoNothing().returning();
        await recordAlertEvents(tx, inserted, now);
        return inserted;
      })
    : [];

  // One round sends at a time (a slow SMTP server can make rounds overlap): its marks commit with it.
  // A worker that dies after a mail went and before the mark sends it again: at least once.
  const { sent, failed } = await db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(hashtext('ocs.alerts')) as locked`).then((r) => r.rows);
    if (!lock?.locked) return { sent: 0, failed: 0 };
    const unsent = await tx.select().from(alerts).where(and(isNull(alerts.sentAt), isNull(alerts.resolvedAt), lt(alerts.attempts, MAX_ATTEMPTS)));
    let ok = 0;
    for (const alert of unsent) {
      const error = await send(tx as unknown as Database, alert);
      if (error === null) ok++;
      await tx
        .update(alerts)
        .set({ attempts: sql`${alerts.attempts} + 1`, ...(error === null ? { sentAt: new Date(), lastError: null } : { lastError: error }) })
        .where(eq(alerts.id, alert.id));
    }
    return { sent: ok, failed: unsent.length - ok };
  });
  return { opened: opened.length, resolved: resolved.length, sent, failed };
}

/** Mails the alert to the organization's owners and admins; null when it went, else why not. */
async function send(db: Database, alert: Alert): Promise<string | null> {
  const recipients = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(memberships.userId, users.id))
    .where(and(eq(memberships.organizationId, alert.organizationId), inArray(memberships.role, ['owner', 'admin'])));
  const text = [`${alert.subject}`, '', `理由 / Reason: ${alert.reason}`, '', `詳しくはポータルで / Details in the portal: ${alert.link}`].join('\n');
  const result = await sendMail({ to: recipients.map((r) => r.email), subject: `[OCS Portal] ${alert.subject}`, text });
  return result.ok ? null : result.error;
}
