// The node agent's HTTP API (the counterpart of OCS's base container). The portal and workers
// talk to every node through this, whatever provider made the node.
//
//   GET    /health                       -> AgentHealth
//   GET    /metrics                      -> Prometheus text format (node + per application)
//   GET    /applications                 -> ApplicationStatus[]
//   PUT    /applications/:name           body ApplicationDefinition -> ApplicationStatus (idempotent)
//   DELETE /applications/:name           -> 204 (idempotent)
//   GET    /applications/:name/logs?tail=N -> text/plain, last N lines of the application's log

export const AGENT_PORT = 9100;

export interface ApplicationDefinition {
  /** argv; `{{nodeIp}}` and `{{port}}` in any element are replaced by the agent. */
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** TCP port the application listens on, on the node's own IP. */
  port?: number;
  /** HTTP path answering 2xx/3xx when the application is healthy. */
  healthPath?: string;
}

export type ApplicationState = 'starting' | 'running' | 'exited' | 'stopped';

export interface ApplicationStatus {
  name: string;
  state: ApplicationState;
  pid?: number;
  port?: number;
  /** Result of the last health probe (undefined when the application has no healthPath). */
  healthy?: boolean;
  startedAt?: string;
  exitCode?: number | null;
  restarts: number;
}

/** Set in the bundle (lib/agent-bundle.ts); "dev" when run from the sources. */
export const AGENT_VERSION = process.env.OCS_AGENT_VERSION ?? 'dev';

export interface AgentHealth {
  status: 'ok';
  /** The agent's version, so the portal knows what runs on each node. */
  version: string;
  nodeName: string;
  ip: string;
  startedAt: string;
  uptimeSeconds: number;
  applications: ApplicationStatus[];
}
