import { eq, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { nodes, type Node } from '@/lib/db/schema';
import { leaveOverlay } from '@/lib/overlay/membership';
import { getProvider } from '@/lib/providers/registry';
import { ProviderError } from '@/lib/providers/types';

/** Failures that mean the machine was never reached: nothing of ours can be on it unless a creation once got through. */
export const NEVER_REACHED = ['auth_refused', 'host_key_changed', 'unreachable'];

/** Deletes every provider resource of a node — by its recorded id and by its tag — then its record. */
export async function releaseNode(db: Database, node: Node): Promise<void> {
  const providerId = node.provider;
  const provider = await getProvider(providerId);
  try {
    const tagged = await provider.listResources({ 'ocs.nodeId': node.id });
    // The deterministic id too: a node whose creation died before it was tagged or recorded (deleting is idempotent).
    const deterministic = providerId === 'local' ? node.name : providerId === 'onpremises' && node.hostId ? `${node.hostId}/${node.name}` : null;
    const ids = new Set([...tagged.map((r) => r.resourceId), ...(node.providerResourceId ? [node.providerResourceId] : []), ...(deterministic ? [deterministic] : [])]);
    for (const id of ids) await provider.deleteNode(id);
  } catch (e) {
    // A node whose creation never got through to its machine (say, a server refusing the key) holds nothing there: its record may go.
    if (node.providerResourceId || !(e instanceof ProviderError) || !NEVER_REACHED.includes(e.code)) throw e;
    console.warn(`[nodes] node ${node.name} was never created and its machine cannot be reached (${e.message}); forgetting it`);
  }
  // Its peers forget it; its agent is gone with the machine, and its credential goes too.
  await leaveOverlay(db, [node.id]);
  await db
    .update(nodes)
    .set({ state: 'DELETED', credentialHash: null, bootstrapTokenHash: null, bootstrapTokenExpiresAt: null, deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(nodes.id, node.id));
}
