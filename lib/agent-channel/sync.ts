// One agent sync: record what the agent reports, then answer with the node's desired state as
// soon as it differs from what the agent applied, or after the wait (one heartbeat round trip).
import type { SyncRequest, SyncResponse } from '@/agent/protocol';
import { agentBundle } from '@/lib/agent-bundle';
import type { Database } from '@/lib/db/client';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { sessionOffersFor } from '@/lib/node-sessions/open-session';
import { desiredStateOf } from './desired-state';
import { heartbeats, recordReport } from './reports';
import { desiredStateWakeups } from './wakeups';

export async function syncAgent(db: Database, nodeId: string, req: SyncRequest, waitSeconds: number, signal?: AbortSignal): Promise<SyncResponse> {
  if (req.report) await recordReport(db, nodeId, req.report);
  else heartbeats(() => db).mark(nodeId);
  const subscription = await desiredStateWakeups().subscribe(nodeId);
  try {
    let desired = await desiredStateOf(db, nodeId);
    if (desired && desired.version === req.appliedVersion && waitSeconds > 0) {
      await subscription.wait(waitSeconds * 1000, signal);
      desired = await desiredStateOf(db, nodeId);
    }
    if (!desired) throw new AppError('NOT_FOUND', `Node ${nodeId} has been deleted`);
    const sessions = await sessionOffersFor(db, nodeId);
    return {
      desired,
      heartbeatSeconds: env().OCS_AGENT_HEARTBEAT_SECONDS,
      metricsSeconds: env().OCS_AGENT_METRICS_SECONDS,
      agentVersion: (await agentBundle()).version,
      ...(sessions.length ? { sessions } : {}),
    };
  } finally {
    subscription.close();
  }
}
