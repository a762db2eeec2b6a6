/**
 * The SAML routes and the next-auth bridge as a browser meets them: the login route's redirect and
 * cookie, the ACS's hand-over to the completion page (or its bilingual refusal), the metadata, and
 * the 'saml-ticket' provider turning the ticket into a session's user id.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { NextRequest } from 'next/server';
import type { CredentialsConfig } from 'next-auth/providers/credentials';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as acsPost } from '@/app/api/auth/saml/acs/route';
import { GET as loginGet } from '@/app/api/auth/saml/login/route';
import { GET as metadataGet } from '@/app/api/auth/saml/metadata/route';
import { authOptions } from '@/lib/auth/options';
import { SAML_TICKET_PROVIDER_ID } from '@/lib/auth/provider-id';
import { closeDb, db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { freePort } from '@/scripts/services/free-port';
import { uniqueName } from '@/test/fixtures';
import { startDevSamlIdp, type DemoSamlAccount, type DevSamlIdp } from './dev-idp';
import { ensureSamlKeyPair } from './keys';
import { LOGIN_TICKET_COOKIE } from './login-ticket';
import { PENDING_LOGIN_COOKIE } from './pending-login';

const PORTAL = 'http://localhost:3997';
const run = uniqueName('saml-route');
const who: DemoSamlAccount = {
  username: 'route',
  password: 'route-pw',
  eppn: `${run}@demo-univ.ac.jp`,
  mail: `${run}@demo-univ.ac.jp`,
  displayName: 'Jiro Tanaka',
  jaDisplayName: '田中 次郎',
  organizationName: 'Demo University',
  jaOrganizationName: 'デモ大学',
  affiliation: ['member'],
};
let scratch: string;
let idp: DevSamlIdp;
const savedEnv = { ...process.env };

const decodeHtml = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

/** A cookie a browser would keep from a Set-Cookie header, as a Cookie header. */
function cookieFrom(res: Response, name = PENDING_LOGIN_COOKIE): { header: string; attributes: string } {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))!;
  return { header: line.split(';')[0]!, attributes: line };
}

async function atIdp(location: string): Promise<string> {
  const form = await (await fetch(location)).text();
  const action = decodeHtml(/<form method="post" action="([^"]+)"/.exec(form)![1]!);
  const page = await (await fetch(new URL(action, location), { method: 'POST', body: new URLSearchParams({ username: who.username, password: who.password }) })).text();
  return decodeHtml(/name="SAMLResponse" value="([^"]+)"/.exec(page)![1]!);
}

const postToAcs = (samlResponse: string, cookie?: string) =>
  acsPost(
    new NextRequest(`${PORTAL}/api/auth/saml/acs`, {
      method: 'POST',
      body: new URLSearchParams({ SAMLResponse: samlResponse }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '198.51.100.7', ...(cookie ? { cookie } : {}) },
    }),
  );

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'ocs-saml-routes-'));
  const [sp, idpKeys] = await Promise.all([ensureSamlKeyPair(path.join(scratch, 'sp'), 'SP'), ensureSamlKeyPair(path.join(scratch, 'idp'), 'IdP')]);
  idp = await startDevSamlIdp({ port: await freePort(), privateKey: idpKeys.privateKey, certificate: idpKeys.certificate, spEntityId: `${PORTAL}/api/auth/saml/metadata`, spAcsUrl: `${PORTAL}/api/auth/saml/acs`, spCertificate: sp.certificate, accounts: [who] });
  const idpsFile = path.join(scratch, 'idps.json');
  await writeFile(idpsFile, JSON.stringify([{ id: 'route-univ', entityId: idp.entityId, name: { ja: 'ルート大学', en: 'Route University' }, ssoUrl: idp.ssoUrl, certificate: idp.certificate }]));
  Object.assign(process.env, { NEXTAUTH_URL: PORTAL, NEXTAUTH_SECRET: 'route-test-secret', OCS_SAML_IDPS_FILE: idpsFile, OCS_SAML_SP_KEY_FILE: sp.keyFile, OCS_SAML_SP_CERT_FILE: sp.certFile });
});

afterAll(async () => {
  process.env = savedEnv;
  await idp.close();
  await rm(scratch, { recursive: true, force: true });
  await closeDb();
});

describe('SAML routes', () => {
  it('serves the SP metadata as XML', async () => {
    const res = await metadataGet();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/samlmetadata+xml');
    expect(await res.text()).toContain(`Location="${PORTAL}/api/auth/saml/acs"`);
  });

  it('signs in through the IdP, the ACS and the saml-ticket provider, then refuses the same response again', async () => {
    const login = await loginGet(new NextRequest(`${PORTAL}/api/auth/saml/login?idp=route-univ&callbackUrl=/builds`));
    expect(login.status).toBe(302);
    const location = login.headers.get('location')!;
    expect(location.startsWith(`${idp.ssoUrl}?SAMLRequest=`)).toBe(true);
    const cookie = cookieFrom(login);
    expect(cookie.attributes).toMatch(/HttpOnly/i);
    expect(cookie.attributes).toMatch(/SameSite=lax/i);
    expect(cookie.attributes).toMatch(/Path=\/api\/auth\/saml/);

    const samlResponse = await atIdp(location);
    const acs = await postToAcs(samlResponse, cookie.header);
    expect(acs.status).toBe(303);
    const next = new URL(acs.headers.get('location')!);
    expect(`${next.origin}${next.pathname}`).toBe(`${PORTAL}/signin/saml/complete`);
    expect([...next.searchParams.keys()]).toEqual(['callbackUrl']);
    expect(next.searchParams.get('callbackUrl')).toBe('/builds');
    expect(cookieFrom(acs).attributes).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    const ticketCookie = cookieFrom(acs, LOGIN_TICKET_COOKIE);
    expect(ticketCookie.attributes).toMatch(/HttpOnly/i);
    expect(ticketCookie.attributes).toMatch(/Path=\/api\/auth\/callback\/saml-ticket/);

    // What signIn('saml-ticket') does on the server: authorize (the ticket in its cookie), then the jwt callback.
    const options = authOptions();
    // next-auth merges a provider's options over its defaults when it loads them; so do we here.
    const provider = options.providers.map((p) => ({ ...p, ...(p.options as object) }) as CredentialsConfig).find((p) => p.id === SAML_TICKET_PROVIDER_ID)!;
    const authorize = provider.authorize;
    const withCookie = (cookie?: string) => authorize({}, { headers: cookie ? { cookie: `other=1; ${cookie}` } : {} });
    expect(await withCookie()).toBeNull();
    const user = await withCookie(ticketCookie.header);
    const created = await db().query.users.findFirst({ where: eq(users.eppn, who.eppn) });
    expect(user).toEqual({ id: created!.id });
    expect(await withCookie(ticketCookie.header)).toBeNull();
    const token = await options.callbacks!.jwt!({ token: {}, user: user!, account: { provider: SAML_TICKET_PROVIDER_ID, type: 'credentials', providerAccountId: user!.id } } as never);
    expect(token.userId).toBe(created!.id);

    const replay = await postToAcs(samlResponse, cookie.header);
    expect(replay.status).toBe(403);
    expect(replay.headers.get('content-type')).toContain('text/html');
    const html = await replay.text();
    expect(html).toContain('この応答は既に使用されています');
    expect(html).toContain('This response has already been used');
  });

  it('refuses a response that arrives without the pending-request cookie', async () => {
    const login = await loginGet(new NextRequest(`${PORTAL}/api/auth/saml/login?idp=route-univ`));
    const res = await postToAcs(await atIdp(login.headers.get('location')!));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('No sign-in started from this browser was found');
  });

  it('sends an unknown institution back to the sign-in page', async () => {
    const res = await loginGet(new NextRequest(`${PORTAL}/api/auth/saml/login?idp=nowhere`));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${PORTAL}/signin?error=SamlUnknownIdp`);
  });
});
