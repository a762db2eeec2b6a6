import { readFile } from 'node:fs/promises';
import { agentBundle } from '@/lib/agent-bundle';
import { errorResponse } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/agent/v1/agent.mjs – the node agent, one file for plain `node` (no sign-in: it holds no
// secret). An installer checks the file against X-OCS-Agent-SHA256 before running it.
export async function GET(): Promise<Response> {
  try {
    const bundle = await agentBundle();
    return new Response(new Uint8Array(await readFile(bundle.file)), {
      headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'X-OCS-Agent-Version': bundle.version, 'X-OCS-Agent-SHA256': bundle.sha256, 'Cache-Control': 'no-cache' },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
