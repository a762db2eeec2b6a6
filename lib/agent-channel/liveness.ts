// Liveness from heartbeats: one indexed UPDATE finds every built node whose agent has been silent
// for longer than the window, however many nodes there are; no node is ever polled.
import { sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';

export async function sweepLiveness(db: Database, windowSeconds: number): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    update nodes n
       set state = 'HOST_ERROR',
           state_reason = 'no heartbeat from its agent since ' ||
             coalesce(to_char(n.last_heartbeat_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), 'it was created') ||
             ' (allowed: ' || ${windowSeconds}::text || ' s)',
           updated_at = now()
      from unit_groups g
     where g.id = n.unit_group_id
       and g.state in ('RUNNING', 'ERROR')
       and n.deleted_at is null
       and n.state in ('RUNNING', 'CONTAINER_ERROR')
       and (n.last_heartbeat_at is null or n.last_heartbeat_at < now() - make_interval(secs => ${windowSeconds}))
    returning n.id`);
  return result.rows.map((r) => r.id);
}
