// The portal's events as webhook payloads. Node errors, failed builds and end dates are the
// occurrences the alerts round records once each (lib/alerts, lib/expiry): their deliveries are
// recorded in the same transaction as the alert row, so each is sent once however often rounds
// run. A build's success is recorded in the transaction that marks it SUCCEEDED.
import { eq } from 'drizzle-orm';
import type { Database, Transaction } from '@/lib/db/client';
import { builds, nodes, organizations, templates, templateVersions, unitGroups, units, type Alert } from '@/lib/db/schema';
import { publicPortalUrl } from '@/lib/env';
import { DAY_MS } from '@/lib/expiry/fields';
import { recordEvent, type OccurredEvent } from './events';

type Db = Database | Transaction;

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

/** Records the deliveries of alerts just opened; their ids. */
export async function recordAlertEvents(db: Db, opened: Alert[], now: Date = new Date()): Promise<string[]> {
  const ids: string[] = [];
  for (const alert of opened) {
    const occurred = await alertEvent(db, alert, now);
    if (occurred) ids.push(...(await recordEvent(db, occurred, now)));
  }
  return ids;
}

/** Records the deliveries of a build's end (build.succeeded, build.failed); their ids. */
export async function recordBuildEvent(db: Db, buildId: string, event: 'build.succeeded' | 'build.failed', now: Date = new Date()): Promise<string[]> {
  const occurred = await buildEvent(db, buildId, event, null, now);
  return occurred ? recordEvent(db, occurred, now) : [];
}

async function alertEvent(db: Db, alert: Alert, now: Date): Promise<OccurredEvent | null> {
  switch (alert.kind) {
    case 'build_failed':
      return buildEvent(db, alert.targetId, 'build.failed', alert.reason, now);
    case 'node_error':
      return nodeEvent(db, alert, now);
    case 'expiry':
      return expiryEvent(db, alert, now);
  }
}

async function buildEvent(db: Db, buildId: string, event: 'build.succeeded' | 'build.failed', reason: string | null, now: Date): Promise<OccurredEvent | null> {
  const [row] = await db
    .select({ build: builds, group: { id: unitGroups.id, name: unitGroups.name }, template: { slug: templates.slug, version: templateVersions.version } })
    .from(builds)
    .innerJoin(templateVersions, eq(builds.templateVersionId, templateVersions.id))
    .innerJoin(templates, eq(templateVersions.templateId, templates.id))
    .leftJoin(unitGroups, eq(builds.unitGroupId, unitGroups.id))
    .where(eq(builds.id, buildId));
  if (!row) return null;
  const { build, group, template } = row;
  return {
    organizationId: build.organizationId,
    event,
    occurredAt: build.finishedAt ?? now,
    data: {
      build: { id: build.id, kind: build.kind, status: build.status, error: reason ?? build.error, template, startedAt: iso(build.startedAt), finishedAt: iso(build.finishedAt) },
      unitGroup: group,
      link: `${publicPortalUrl()}/builds/${build.id}`,
    },
  };
}

async function nodeEvent(db: Db, alert: Alert, now: Date): Promise<OccurredEvent | null> {
  const [row] = await db
    .select({ node: nodes, unitName: units.name, group: { id: unitGroups.id, name: unitGroups.name } })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    .where(eq(nodes.id, alert.targetId));
  if (!row) return null;
  const { node, unitName, group } = row;
  return {
    organizationId: alert.organizationId,
    event: 'node.error',
    occurredAt: now,
    data: {
      unitGroup: group,
      node: { id: node.id, unit: unitName, nodeNo: node.nodeNo, state: alert.state, reason: alert.reason, provider: node.provider, ipAddress: node.ipAddress },
      link: alert.link,
    },
  };
}

const EXPIRY_EVENTS = { remind7: 'unitGroup.expiring', remind1: 'unitGroup.expiring', expired: 'unitGroup.expired', deleted: 'unitGroup.deleted' } as const;

async function expiryEvent(db: Db, alert: Alert, now: Date): Promise<OccurredEvent | null> {
  const event = EXPIRY_EVENTS[alert.state as keyof typeof EXPIRY_EVENTS];
  const [row] = await db
    .select({ group: unitGroups, graceDays: organizations.expiryGraceDays })
    .from(unitGroups)
    .innerJoin(organizations, eq(unitGroups.organizationId, organizations.id))
    .where(eq(unitGroups.id, alert.targetId));
  if (!event || !row?.group.expiresAt) return null;
  const { group, graceDays } = row;
  // Deletion counts from the moment the nodes were powered off (or will be, at the end date).
  const deletesAt = new Date((group.expiredAt ?? group.expiresAt!).getTime() + graceDays * DAY_MS);
  const when =
    event === 'unitGroup.expiring'
      ? { reminder: alert.state === 'remind7' ? '7d' : '1d', daysLeft: Math.max(1, Math.ceil((group.expiresAt!.getTime() - now.getTime()) / DAY_MS)), deletesAt: deletesAt.toISOString() }
      : event === 'unitGroup.expired'
        ? { expiredAt: iso(group.expiredAt ?? now), deletesAt: deletesAt.toISOString() }
        : { expiredAt: iso(group.expiredAt), deletedAt: now.toISOString() };
  return {
    organizationId: alert.organizationId,
    event,
    occurredAt: now,
    data: { unitGroup: { id: group.id, name: group.name }, expiresAt: group.expiresAt!.toISOString(), ...when, reason: alert.reason, link: alert.link },
  };
}
