import { eq, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { nodes, type Node } from '@/lib/db/schema';
import { getProvider } from '@/lib/providers/registry';

/** Deletes every provider resource of a node — by its recorded id and by its tag — then its record. */
export async function releaseNode(db: Database, node: Node, providerId: string): Promise<void> {
  const provider = getProvider(providerId);
  const tagged = await provider.listResources({ 'ocs.nodeId': node.id });
  // The deterministic id too: a node whose creation died before it was tagged or recorded (deleting is idempotent).
  const deterministic = providerId === 'local' ? node.name : providerId === 'onpremises' && node.hostId ? `${node.hostId}/${node.name}` : null;
  const ids = new Set([...tagged.map((r) => r.resourceId), ...(node.providerResourceId ? [node.providerResourceId] : []), ...(deterministic ? [deterministic] : [])]);
  for (const id of ids) await provider.deleteNode(id);
  // Its agent is gone with the machine; its credential goes too.
  await db
    .update(nodes)
    .set({ state: 'DELETED', credentialHash: null, bootstrapTokenHash: null, bootstrapTokenExpiresAt: null, deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(nodes.id, node.id));
}
