import { NextResponse } from 'next/server';
import { agentBundle } from '@/lib/agent-bundle';
import { errorResponse } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/agent/v1/version – { version, sha256, path } of the agent this portal hands out
export async function GET(): Promise<Response> {
  try {
    const { version, sha256 } = await agentBundle();
    return NextResponse.json({ version, sha256, path: '/api/agent/v1/agent.mjs' });
  } catch (e) {
    return errorResponse(e);
  }
}
