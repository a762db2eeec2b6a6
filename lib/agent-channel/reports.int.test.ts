// An agent's report is recorded whole: a reader never sees the node's new start (what a power on
// waits for) beside its applications' reports from the run before.
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentReport, ApplicationReport } from '@/agent/protocol';
import { closeDb, db } from '@/lib/db/client';
import { applications, nodes, unitGroups } from '@/lib/db/schema';
import { nodeRecords } from '@/test/fixtures';
import { recordReport } from './reports';

afterAll(closeDb);

const appReport = (restarts: number): ApplicationReport => ({ name: 'web', kind: 'process', state: 'running', healthy: true, restarts });

describe('an agent report', () => {
  it("records the node's new start and its applications' reports together, never one without the other", async () => {
    const [node] = await nodeRecords(1);
    const before = new Date('2026-12-01T00:00:00.000Z');
    await db().update(nodes).set({ startedAt: before }).where(eq(nodes.id, node!.id));
    await db().insert(applications).values({ nodeId: node!.id, name: 'web', image: 'ocs/web-hello:1.0', port: 8080, state: 'RUNNING', report: appReport(0) });
    const report: AgentReport = {
      agentVersion: '1.0.0',
      startedAt: '2026-12-01T01:00:00.000Z',
      hostname: 'node-1',
      appliedVersion: 0,
      capabilities: { processes: true, containers: false },
      applications: [appReport(1)],
    };
    const seen = async () => {
      const [row] = await db()
        .select({ startedAt: nodes.startedAt, report: applications.report })
        .from(nodes)
        .innerJoin(applications, and(eq(applications.nodeId, nodes.id), eq(applications.name, 'web')))
        .where(eq(nodes.id, node!.id));
      return { startedAt: row!.startedAt?.toISOString(), restarts: row!.report?.restarts };
    };

    // Another transaction holds the application's row: the report waits for it, and meanwhile
    // the node is still seen as it was.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = db().transaction(async (tx) => {
      await tx.select({ id: applications.id }).from(applications).where(eq(applications.nodeId, node!.id)).for('update');
      locked();
      await held;
    });
    await isLocked;
    const recording = recordReport(db(), node!.id, report);
    await sleep(300);
    expect(await seen()).toEqual({ startedAt: before.toISOString(), restarts: 0 });
    release();
    await holder;
    await recording;
    expect(await seen()).toEqual({ startedAt: report.startedAt, restarts: 1 });

    // Gone again: the other files' rounds read every node of the shared database.
    await db().update(nodes).set({ state: 'DELETED', deletedAt: new Date() }).where(eq(nodes.id, node!.id));
    await db().update(unitGroups).set({ state: 'DELETED' }).where(eq(unitGroups.id, node!.unitGroupId));
  });
});
