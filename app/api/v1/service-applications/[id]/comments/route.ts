import { NextResponse } from 'next/server';
import { idOrNotFound } from '@/lib/http/ids';
import { jsonBody, withActor } from '@/lib/http/route';
import { addComment } from '@/lib/service-applications/comments';

export const dynamic = 'force-dynamic';

// POST /api/v1/service-applications/:id/comments – add { body } to the thread between applicant and staff → 201
export const POST = withActor<{ id: string }>(
  async ({ req, actor, params, meta, db }) =>
    NextResponse.json({ comment: await addComment(db, actor, idOrNotFound(params.id, 'application'), await jsonBody(req), meta) }, { status: 201 }),
  { audit: 'application.comment' },
);
