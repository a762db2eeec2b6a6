// The floor under a build: the same agents and applications started directly through the local
// provider and the agents' API (no queue, no database, no steps), measured in the same run as builds.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { templateDir } from '@/lib/catalog/template-files';
import { agentHealth, putApplication } from '@/lib/nodes/agent-client';
import { localProvider } from '@/lib/providers/local';
import { getSpec } from '@/lib/providers/catalog';
import { summarize, timed } from './stats';

async function startDirectly(count: number): Promise<string[]> {
  const provider = localProvider();
  const nodes = await Promise.all(
    Array.from({ length: count }, () => provider.createNode({ name: `ocs-${randomUUID()}`, spec: { ...getSpec('local', 'small'), numNodes: count, image: 'ocs/base:1.0' }, tags: { 'ocs.bench': 'direct' } })),
  );
  await Promise.all(
    nodes.map(async (node) => {
      await putApplication(node.agentUrl!, 'hello', { command: [process.execPath, path.join(templateDir('web-hello'), 'app.mjs')], port: 8080, healthPath: '/healthz' });
      for (;;) {
        const health = await agentHealth(node.agentUrl!);
        if (health.applications.every((a) => a.state === 'running' && a.healthy !== false)) return;
        await sleep(20);
      }
    }),
  );
  return nodes.map((n) => n.resourceId);
}

/** p50 of starting `count` web-hello nodes directly, over `rounds` rounds (each torn down after). */
export async function benchDirect(count: number, rounds: number) {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let ids: string[] = [];
    samples.push(await timed(async () => (ids = await startDirectly(count))));
    await Promise.all(ids.map((id) => localProvider().deleteNode(id)));
  }
  return summarize(`direct start ${count} node(s): agents + applications healthy`, samples);
}
