import type { AgentHealth, ApplicationDefinition, ApplicationStatus } from '@/agent/protocol';

// Talks to the node agent on a node, whatever provider made the node.

async function call(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 5000) });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res;
}

export async function agentHealth(agentUrl: string, timeoutMs = 2000): Promise<AgentHealth> {
  return (await call(`${agentUrl}/health`, { timeoutMs })).json() as Promise<AgentHealth>;
}

export async function putApplication(agentUrl: string, name: string, definition: ApplicationDefinition): Promise<ApplicationStatus> {
  const res = await call(`${agentUrl}/applications/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(definition),
  });
  return res.json() as Promise<ApplicationStatus>;
}

export async function applicationLogTail(agentUrl: string, name: string, lines = 20): Promise<string> {
  try {
    return await (await call(`${agentUrl}/applications/${encodeURIComponent(name)}/logs?tail=${lines}`)).text();
  } catch {
    return '';
  }
}

export async function agentMetrics(agentUrl: string): Promise<string> {
  return (await call(`${agentUrl}/metrics`, { timeoutMs: 2000 })).text();
}
