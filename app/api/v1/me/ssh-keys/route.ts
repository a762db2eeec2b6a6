import { NextResponse } from 'next/server';
import { jsonBody, withActor } from '@/lib/http/route';
import { addSshKey, listSshKeys } from '@/lib/ssh-keys/user-keys';

export const dynamic = 'force-dynamic';

// GET /api/v1/me/ssh-keys – the caller's SSH public keys (a token's: its member's)
export const GET = withActor(async ({ actor, db }) => NextResponse.json({ keys: await listSshKeys(db, actor) }));

// POST /api/v1/me/ssh-keys – add one { name?, publicKey } → 201; installed on the nodes the caller may log in to
export const POST = withActor(
  async ({ req, actor, meta, db }) => NextResponse.json({ key: await addSshKey(db, actor, await jsonBody(req), meta) }, { status: 201 }),
  { audit: 'userSshKey.add' },
);
