import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { errorResponse } from '@/lib/http/route';
import { findRepoRoot } from '@/lib/repo-root';

export const dynamic = 'force-dynamic';

// GET /downloads/ocs_portal.py – the Python client with the VCP SDK's names (clients/python), one
// file an OCS notebook imports in place of vcpsdk. No sign-in: it holds no secret.
export async function GET(): Promise<Response> {
  try {
    const file = await readFile(path.join(findRepoRoot(), 'clients', 'python', 'ocs_portal.py'));
    return new Response(new Uint8Array(file), {
      headers: { 'Content-Type': 'text/x-python; charset=utf-8', 'Content-Disposition': 'attachment; filename="ocs_portal.py"', 'Cache-Control': 'no-cache' },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
