import { and, eq, sql } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { hosts } from '@/lib/db/schema';
import { liveHost, loadHost, viewOf, type HostView } from './queries';
import { openOrganizationPrivateKey, organizationSshPublicKey } from './ssh-key';
import { openSshSession, SshSessionError } from './ssh-session';
import type { HostCheck } from './views';

export type { HostCheck } from './views';

// The sockets the node agent tries (agent/containers.ts detectContainerEngine), in its order.
const ENGINE_PROBE = 'for s in "${DOCKER_HOST#unix://}" /var/run/docker.sock /run/podman/podman.sock; do [ -n "$s" ] && [ -S "$s" ] && echo "$s"; done; true';

/**
 * 接続テスト: signs in to the server over SSH with the organization's key. The first contact pins
 * the server's host key; a different key later refuses the server (state unreachable with the
 * reason) until an admin updates or clears the pinned fingerprint. A server that answers is
 * active again, unless it is being drained.
 */
export async function checkHost(db: Database, actor: Actor, hostId: string, meta: RequestMeta = { ip: null }): Promise<{ host: HostView; check: HostCheck }> {
  const host = await loadHost(db, actor, hostId, 'manageHosts');
  // Made on first use, if no one has looked at the public key yet (the server will then refuse it, and say so).
  await organizationSshPublicKey(db, actor, host.organizationId, meta);
  const privateKey = await openOrganizationPrivateKey(db, host.organizationId);
  let check: HostCheck;
  try {
    const session = await openSshSession(host, privateKey);
    try {
      const uname = await session.exec('uname -srm');
      const engine = await session.exec(ENGINE_PROBE);
      check = {
        ok: uname.code === 0,
        reason: uname.code === 0 ? null : `uname failed on the server: ${uname.stderr.trim()}`,
        fingerprint: session.fingerprint,
        system: uname.stdout.trim() || null,
        containerEngine: engine.stdout.trim() ? `Docker API at ${engine.stdout.trim().split('\n')[0]}` : null,
      };
    } finally {
      session.close();
    }
  } catch (e) {
    if (!(e instanceof SshSessionError)) throw e;
    check = { ok: false, reason: e.message, fingerprint: null, system: null, containerEngine: null };
  }

  const [updated] = await db
    .update(hosts)
    .set(
      check.ok
        ? {
            hostKeyFingerprint: check.fingerprint,
            containerEngine: check.containerEngine,
            lastContactAt: sql`now()`,
            state: sql`case when ${hosts.state} = 'unreachable' then 'active'::host_state else ${hosts.state} end`,
            stateReason: null,
            updatedAt: sql`now()`,
          }
        : { state: sql`case when ${hosts.state} = 'draining' then ${hosts.state} else 'unreachable'::host_state end`, stateReason: check.reason, updatedAt: sql`now()` },
    )
    .where(and(eq(hosts.id, hostId), liveHost))
    .returning();
  await recordAudit(db, {
    actor,
    organizationId: host.organizationId,
    action: 'host.check',
    targetType: 'host',
    targetId: hostId,
    ipAddress: meta.ip,
    outcome: check.ok ? 'success' : 'failure',
    details: { address: `${host.address}:${host.sshPort}`, fingerprint: check.fingerprint, pinned: check.ok && !host.hostKeyFingerprint, reason: check.reason },
  });
  return { host: await viewOf(db, updated ?? host), check };
}
