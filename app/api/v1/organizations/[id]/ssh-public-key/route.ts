import { NextResponse } from 'next/server';
import { organizationSshPublicKey } from '@/lib/hosts/ssh-key';
import { idOrNotFound } from '@/lib/http/ids';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

// GET /api/v1/organizations/:id/ssh-public-key – the key the portal signs in to the organization's servers with → { publicKey, fingerprint } (made on the first call)
export const GET = withActor<{ id: string }>(async ({ actor, params, meta, db }) =>
  NextResponse.json(await organizationSshPublicKey(db, actor, idOrNotFound(params.id, 'organization'), meta)),
);
