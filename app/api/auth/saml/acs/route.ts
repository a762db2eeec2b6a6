import { NextResponse, type NextRequest } from 'next/server';
import { requestMeta } from '@/lib/http/route';
import { samlConfig } from '@/lib/saml/config';
import { LOGIN_TICKET_COOKIE, loginTicketCookieOptions } from '@/lib/saml/login-ticket';
import { openPendingLogin, PENDING_LOGIN_COOKIE, pendingLoginCookieOptions } from '@/lib/saml/pending-login';
import { refusalPage, SamlRefusal } from '@/lib/saml/refusal';
import { signInWithSamlResponse } from '@/lib/saml/service-provider';

export const dynamic = 'force-dynamic';

// POST /api/auth/saml/acs – the IdP's response (HTTP-POST binding): on to the completion page with
// a one-time ticket in a cookie, or a bilingual refusal page (4xx)
export async function POST(req: NextRequest): Promise<Response> {
  const config = samlConfig();
  if (!config) return new Response('SAML sign-in is not configured', { status: 404 });
  const form = await req.formData().catch(() => null);
  const samlResponse = form?.get('SAMLResponse');
  const pending = openPendingLogin(req.cookies.get(PENDING_LOGIN_COOKIE)?.value, config.cookieSecret);
  let res: NextResponse;
  try {
    const { ticket, callbackUrl } = await signInWithSamlResponse({ samlResponse: typeof samlResponse === 'string' ? samlResponse : '', pending, meta: requestMeta(req) }, config);
    const next = new URL('/signin/saml/complete', config.portalUrl);
    next.searchParams.set('callbackUrl', callbackUrl);
    res = NextResponse.redirect(next, 303);
    res.cookies.set(LOGIN_TICKET_COOKIE, ticket, loginTicketCookieOptions(config.portalUrl));
  } catch (e) {
    if (!(e instanceof SamlRefusal)) throw e;
    res = new NextResponse(refusalPage(e.reason), { status: e.status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
  }
  // One response per request: the pending request is spent either way.
  res.cookies.set(PENDING_LOGIN_COOKIE, '', { ...pendingLoginCookieOptions(config.portalUrl), maxAge: 0 });
  return res;
}
