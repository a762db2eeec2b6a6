import { NextResponse, type NextRequest } from 'next/server';
import { z } from 'zod';
import { samlConfig } from '@/lib/saml/config';
import { PENDING_LOGIN_COOKIE, pendingLoginCookieOptions, safeCallbackUrl, sealPendingLogin } from '@/lib/saml/pending-login';
import { buildLoginRedirect, findIdp } from '@/lib/saml/service-provider';

export const dynamic = 'force-dynamic';

const ZLoginQuery = z.object({ idp: z.string().min(1).max(63), callbackUrl: z.string().max(2000).optional() });

// GET /api/auth/saml/login?idp=<id>&callbackUrl=<path> – off to the chosen IdP with a signed AuthnRequest
export async function GET(req: NextRequest): Promise<Response> {
  const config = samlConfig();
  const query = ZLoginQuery.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!config || !query.success || !findIdp(config, query.data.idp)) {
    return NextResponse.redirect(new URL('/signin?error=SamlUnknownIdp', config?.portalUrl ?? req.nextUrl.origin), 303);
  }
  const { url, pending } = await buildLoginRedirect(query.data.idp, safeCallbackUrl(query.data.callbackUrl), config);
  const res = NextResponse.redirect(url, 302);
  res.cookies.set(PENDING_LOGIN_COOKIE, sealPendingLogin(pending, config.cookieSecret), pendingLoginCookieOptions(config.portalUrl));
  return res;
}
