// The user data every cloud driver gives a new machine: a cloud-init boothook that fetches the node
// agent from the portal (checked by its sha256), writes the node's config with the address the
// machine reaches the portal from, and starts the agent with its one-time token. cloud-init runs a
// boothook as root at every boot, so a machine powered on again starts its agent again.
import { agentBundle } from '@/lib/agent-bundle';
import { installScript } from './onpremises/scripts';
import type { CreateNodeRequest } from './types';

/** Where the agent lives on a cloud machine: root's home, as the boothook runs. */
const AGENT_DIR = '~/.ocs-portal';

export async function cloudInitUserData(req: Pick<CreateNodeRequest, 'name' | 'tags' | 'agent'>): Promise<string> {
  const bundle = await agentBundle();
  const script = installScript({
    agentDir: AGENT_DIR,
    name: req.name,
    agentUrl: `${req.agent.portalUrl}/api/agent/v1/agent.mjs`,
    agentVersion: bundle.version,
    agentSha256: bundle.sha256,
    nodeConfig: { name: req.name, portalUrl: req.agent.portalUrl, tags: req.tags },
    bootstrapToken: req.agent.bootstrapToken,
    discoverIp: true,
  });
  return `#cloud-boothook\n#!/bin/sh\n${script}\n`;
}
