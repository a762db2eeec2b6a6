import { errorResponse } from '@/lib/http/route';
import { AppError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

// Any /api/v1 path no route claims: a JSON 404 for scripts, never the portal's HTML page.
async function notFound(req: Request): Promise<Response> {
  const { pathname } = new URL(req.url);
  return errorResponse(new AppError('NOT_FOUND', `No API route ${req.method} ${pathname}; see /api/v1/openapi.json`));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
