import { inject } from 'vitest';

// Each test file sees the services the global setup started.
Object.assign(process.env, inject('testEnv'));

// Nodes' agents dial home to this file's own agent endpoints (also the agents of workers it spawns).
{
  const { startAgentPortal } = await import('./agent-portal');
  process.env.OCS_AGENT_PORTAL_URL = (await startAgentPortal()).url;
}
