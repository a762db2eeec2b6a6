/**
 * SAML sign-in end to end at the protocol level: our SP builds signed AuthnRequests, the dev SAML
 * IdP (samlify) answers over HTTP as a browser would see it, and consumeResponse verifies what
 * comes back against a real PostgreSQL. Bad responses are real ones, forged or tampered with.
 */
import { createVerify, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { count, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, loginTickets, memberships, samlReplays, users } from '@/lib/db/schema';
import { freePort } from '@/scripts/services/free-port';
import { uniqueName } from '@/test/fixtures';
import { samlConfig, type SamlConfig } from './config';
import { startDevSamlIdp, type DemoSamlAccount, type DevSamlIdp } from './dev-idp';
import { ensureSamlKeyPair, type SamlKeyPair } from './keys';
import { redeemLoginTicket } from './login-ticket';
import { openPendingLogin, sealPendingLogin, type PendingLogin } from './pending-login';
import type { SamlRefusalReason } from './refusal';
import { buildLoginRedirect, consumeResponse, spMetadataXml } from './service-provider';

const PORTAL = 'http://localhost:3998';
const SP_ENTITY_ID = `${PORTAL}/api/auth/saml/metadata`;
const ACS_URL = `${PORTAL}/api/auth/saml/acs`;
const META = { ip: '192.0.2.10' };
const run = uniqueName('saml');

let scratch: string;
let spKeys: SamlKeyPair;
let idpKeys: SamlKeyPair;
let config: SamlConfig;
const idps: DevSamlIdp[] = [];

function account(username: string): DemoSamlAccount {
  return {
    username,
    password: `${username}-pw`,
    eppn: `${username}-${run}@demo-univ.ac.jp`,
    mail: `${username}-${run}@demo-univ.ac.jp`,
    displayName: 'Ichiro Sato',
    jaDisplayName: '佐藤 一郎',
    organizationName: 'Demo University',
    jaOrganizationName: 'デモ大学',
    affiliation: ['faculty', 'member'],
  };
}
const good = account('good');
const linked = account('linked');
const bad = account('bad');

async function startIdp(options: { keys?: SamlKeyPair; spEntityId?: string; attributeNames?: 'uri' | 'basic'; entityId?: string } = {}): Promise<DevSamlIdp> {
  const keys = options.keys ?? idpKeys;
  const idp = await startDevSamlIdp({
    port: await freePort(),
    entityId: options.entityId,
    privateKey: keys.privateKey,
    certificate: keys.certificate,
    spEntityId: options.spEntityId ?? SP_ENTITY_ID,
    spAcsUrl: ACS_URL,
    spCertificate: spKeys.certificate,
    accounts: [good, linked, bad],
    attributeNames: options.attributeNames,
  });
  idps.push(idp);
  return idp;
}

function configWith(idp: DevSamlIdp, id: string, trusted = idpKeys.certificate): SamlConfig {
  return {
    portalUrl: PORTAL,
    sp: { entityId: SP_ENTITY_ID, acsUrl: ACS_URL, privateKey: spKeys.privateKey, certificate: spKeys.certificate },
    idps: [{ id, entityId: idp.entityId, name: { ja: 'テスト大学', en: 'Test University' }, ssoUrl: idp.ssoUrl, certificate: trusted, scopes: ['demo-univ.ac.jp'] }],
    cookieSecret: 'test-secret',
  };
}

const decodeHtml = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

/** What a browser does at the IdP: open the login form, submit it, read the auto-POST form. */
async function samlResponseFromIdp(redirectUrl: string, who: DemoSamlAccount): Promise<string> {
  const form = await fetch(redirectUrl);
  const html = await form.text();
  expect(form.status, html).toBe(200);
  expect(html).toContain('ユーザー名 / Username');
  const action = decodeHtml(/<form method="post" action="([^"]+)"/.exec(html)![1]!);
  const posted = await fetch(new URL(action, redirectUrl), { method: 'POST', body: new URLSearchParams({ username: who.username, password: who.password }) });
  const page = await posted.text();
  expect(posted.status, page).toBe(200);
  expect(decodeHtml(/<form method="post" action="([^"]+)"/.exec(page)![1]!)).toBe(ACS_URL);
  return decodeHtml(/name="SAMLResponse" value="([^"]+)"/.exec(page)![1]!);
}

async function signInAt(cfg: SamlConfig, who: DemoSamlAccount): Promise<{ samlResponse: string; pending: PendingLogin }> {
  const { url, pending } = await buildLoginRedirect(cfg.idps[0]!.id, '/catalog', cfg);
  return { samlResponse: await samlResponseFromIdp(url, who), pending };
}

const userByMail = (mail: string) => db().query.users.findFirst({ where: eq(users.email, mail) });
const rows = async (table: typeof loginTickets | typeof samlReplays) => (await db().select({ n: count() }).from(table))[0]!.n;
const lastAudit = () => db().query.auditEvents.findFirst({ where: eq(auditEvents.action, 'signIn.saml'), orderBy: desc(auditEvents.id) });

/** The attempt is refused for `reason`, and nothing but one denied audit row changes. */
async function expectRefused(attempt: () => Promise<unknown>, reason: SamlRefusalReason, who: DemoSamlAccount): Promise<void> {
  const before = { user: await userByMail(who.mail), tickets: await rows(loginTickets), replays: await rows(samlReplays), audit: (await lastAudit())?.id ?? 0 };
  await expect(attempt()).rejects.toMatchObject({ name: 'SamlRefusal', reason });
  expect(await userByMail(who.mail)).toEqual(before.user);
  expect(await rows(loginTickets)).toBe(before.tickets);
  expect(await rows(samlReplays)).toBe(before.replays);
  const audits = await db().query.auditEvents.findMany({ where: (a, { and, gt }) => and(eq(a.action, 'signIn.saml'), gt(a.id, before.audit)) });
  expect(audits).toHaveLength(1);
  expect(audits[0]).toMatchObject({ outcome: 'denied', actorUserId: null, ipAddress: META.ip, details: { reason } });
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'ocs-saml-'));
  [spKeys, idpKeys] = await Promise.all([ensureSamlKeyPair(path.join(scratch, 'sp'), 'OCS Portal test SP'), ensureSamlKeyPair(path.join(scratch, 'idp'), 'Test IdP')]);
  config = configWith(await startIdp(), 'test-univ');
});

afterAll(async () => {
  vi.useRealTimers();
  await Promise.all(idps.map((i) => i.close()));
  await rm(scratch, { recursive: true, force: true });
  await closeDb();
});

describe('service provider', () => {
  it('publishes metadata with its entity id, ACS, signing certificate and signed requests', () => {
    const xml = spMetadataXml(config);
    expect(xml).toContain(`entityID="${SP_ENTITY_ID}"`);
    expect(xml).toMatch(/AuthnRequestsSigned="true"/);
    expect(xml).toMatch(/WantAssertionsSigned="true"/);
    expect(xml).toMatch(new RegExp(`<AssertionConsumerService[^>]*Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"[^>]*Location="${ACS_URL}"`));
    const der = new X509Certificate(spKeys.certificate).raw.toString('base64');
    expect(xml.replace(/\s/g, '')).toContain(`<ds:X509Certificate>${der}</ds:X509Certificate>`);
    expect(xml).toMatch(/<KeyDescriptor use="signing">/);
  });

  it('sends a signed AuthnRequest over HTTP-Redirect', async () => {
    const { url, pending } = await buildLoginRedirect('test-univ', '/builds', config);
    expect(url.startsWith(`${config.idps[0]!.ssoUrl}?`)).toBe(true);
    const raw = new URL(url).search.slice(1);
    const param = (k: string) => raw.split('&').find((p) => p.startsWith(`${k}=`))!;
    const query = new URL(url).searchParams;
    expect(query.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const signed = [param('SAMLRequest'), param('SigAlg')].join('&');
    expect(createVerify('RSA-SHA256').update(signed).verify(spKeys.certificate, query.get('Signature')!, 'base64')).toBe(true);
    expect(createVerify('RSA-SHA256').update(`${signed}x`).verify(spKeys.certificate, query.get('Signature')!, 'base64')).toBe(false);
    const request = inflateRawSync(Buffer.from(query.get('SAMLRequest')!, 'base64')).toString('utf8');
    expect(request).toContain(`ID="${pending.requestId}"`);
    expect(request).toContain(`AssertionConsumerServiceURL="${ACS_URL}"`);
    expect(request).toContain(`Destination="${config.idps[0]!.ssoUrl}"`);
    expect(request).toMatch(new RegExp(`<saml:Issuer[^>]*>${SP_ENTITY_ID}</saml:Issuer>`));
    expect(pending).toMatchObject({ idpId: 'test-univ', callbackUrl: '/builds' });
  });

  it('reads its configuration from the environment and the IdPs file', async () => {
    const idpsFile = path.join(scratch, 'idps.json');
    await writeFile(idpsFile, JSON.stringify(config.idps));
    const saved = { ...process.env };
    Object.assign(process.env, { NEXTAUTH_URL: `${PORTAL}/`, NEXTAUTH_SECRET: 's', OCS_SAML_IDPS_FILE: idpsFile, OCS_SAML_SP_KEY_FILE: spKeys.keyFile, OCS_SAML_SP_CERT_FILE: spKeys.certFile });
    try {
      expect(samlConfig()).toEqual({ ...config, cookieSecret: 's' });
      delete process.env.OCS_SAML_IDPS_FILE;
      expect(samlConfig()).toBeNull();
    } finally {
      process.env = saved;
    }
  });

  it('keeps the pending request in a signed cookie value that cannot be altered', () => {
    const pending = { requestId: '_abc', idpId: 'test-univ', callbackUrl: '/catalog' };
    const sealed = sealPendingLogin(pending, 'k1');
    expect(openPendingLogin(sealed, 'k1')).toEqual(pending);
    expect(openPendingLogin(sealed, 'k2')).toBeNull();
    const [payload, mac] = sealed.split('.');
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), idpId: 'other' })).toString('base64url');
    expect(openPendingLogin(`${altered}.${mac}`, 'k1')).toBeNull();
    expect(openPendingLogin(undefined, 'k1')).toBeNull();
  });
});

describe('signing in', () => {
  it('maps the GakuNin attributes, creates the user once and updates it on the next sign-in', async () => {
    const listeners = () => [process.listenerCount('uncaughtException'), process.stdout.listenerCount('drain')];
    const before = listeners();
    const first = await signInAt(config, good);
    // The IdP's schema validator must not leave exit-on-drain hooks behind in a long-running launcher.
    expect(listeners()).toEqual(before);
    const signedIn = await consumeResponse(db(), { ...first, meta: META }, config);
    expect(signedIn.callbackUrl).toBe('/catalog');
    const user = await userByMail(good.mail);
    expect(user).toMatchObject({ id: signedIn.userId, eppn: good.eppn, name: 'Ichiro Sato', nameJa: '佐藤 一郎', affiliation: ['faculty', 'member'], organizationName: 'デモ大学' });
    expect(user!.lastSignInAt).not.toBeNull();
    expect(await lastAudit()).toMatchObject({ outcome: 'success', actorUserId: user!.id, targetId: user!.id, details: { idp: 'test-univ', eppn: good.eppn } });

    good.displayName = 'Ichiro Sato (renamed)';
    good.affiliation = ['staff'];
    const again = await consumeResponse(db(), { ...(await signInAt(config, good)), meta: META }, config);
    expect(again.userId).toBe(signedIn.userId);
    expect(await userByMail(good.mail)).toMatchObject({ id: signedIn.userId, name: 'Ichiro Sato (renamed)', affiliation: ['staff'] });
    expect(await db().$count(users, eq(users.eppn, good.eppn))).toBe(1);
  });

  it('issues a login ticket that redeems once only', async () => {
    const { userId, ticket } = await consumeResponse(db(), { ...(await signInAt(config, good)), meta: META }, config);
    expect(await redeemLoginTicket(db(), ticket)).toBe(userId);
    expect(await redeemLoginTicket(db(), ticket)).toBeNull();
    expect(await redeemLoginTicket(db(), `${ticket}x`)).toBeNull();
  });

  it('links an invited user by mail and creates no membership', async () => {
    const [invited] = await db().insert(users).values({ email: linked.mail, name: linked.mail }).returning();
    const { userId } = await consumeResponse(db(), { ...(await signInAt(config, linked)), meta: META }, config);
    expect(userId).toBe(invited!.id);
    expect(await userByMail(linked.mail)).toMatchObject({ eppn: linked.eppn, nameJa: '佐藤 一郎' });
    expect(await db().$count(memberships, eq(memberships.userId, userId))).toBe(0);
  });

  it('accepts attributes named by their friendly names', async () => {
    const friendly = configWith(await startIdp({ attributeNames: 'basic' }), 'friendly-univ');
    const { userId } = await consumeResponse(db(), { ...(await signInAt(friendly, good)), meta: META }, friendly);
    expect(await db().query.users.findFirst({ where: eq(users.id, userId) })).toMatchObject({ eppn: good.eppn, nameJa: '佐藤 一郎', organizationName: 'デモ大学', affiliation: ['staff'] });
  });
});

describe('refusing bad responses', () => {
  it('refuses a response signed by another key (forged)', async () => {
    const forgerKeys = await ensureSamlKeyPair(path.join(scratch, 'forger'), 'Forger');
    const forger = await startIdp({ keys: forgerKeys, entityId: config.idps[0]!.entityId });
    const forged = { ...config, idps: [{ ...config.idps[0]!, ssoUrl: forger.ssoUrl }] };
    const { samlResponse, pending } = await signInAt(forged, bad);
    await expectRefused(() => consumeResponse(db(), { samlResponse, pending, meta: META }, config), 'signature', bad);
  });

  it('refuses an assertion whose signature was stripped', async () => {
    const { samlResponse, pending } = await signInAt(config, bad);
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
    const stripped = xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '');
    expect(stripped).not.toBe(xml);
    await expectRefused(() => consumeResponse(db(), { samlResponse: Buffer.from(stripped).toString('base64'), pending, meta: META }, config), 'signature', bad);
  });

  it('refuses an assertion issued for another service provider', async () => {
    const otherSp = 'https://other-sp.example.ac.jp/shibboleth-sp';
    const idpForOther = await startIdp({ spEntityId: otherSp, entityId: config.idps[0]!.entityId });
    const asOther = { ...config, sp: { ...config.sp, entityId: otherSp }, idps: [{ ...config.idps[0]!, ssoUrl: idpForOther.ssoUrl }] };
    const { samlResponse, pending } = await signInAt(asOther, bad);
    await expectRefused(() => consumeResponse(db(), { samlResponse, pending, meta: META }, config), 'audience', bad);
  });

  it('refuses an expired assertion', async () => {
    const { samlResponse, pending } = await signInAt(config, bad);
    // The portal's clock ten minutes on: the IdP's five-minute assertion is dead even with 60 s of skew.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10 * 60_000);
    try {
      await expectRefused(() => consumeResponse(db(), { samlResponse, pending, meta: META }, config), 'expired', bad);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a replayed response', async () => {
    const { samlResponse, pending } = await signInAt(config, good);
    await consumeResponse(db(), { samlResponse, pending, meta: META }, config);
    await expectRefused(() => consumeResponse(db(), { samlResponse, pending, meta: META }, config), 'replay', good);
  });

  it('refuses a response to another sign-in request, or to none', async () => {
    const { samlResponse } = await signInAt(config, bad);
    const { pending: another } = await buildLoginRedirect('test-univ', '/catalog', config);
    await expectRefused(() => consumeResponse(db(), { samlResponse, pending: another, meta: META }, config), 'inResponseTo', bad);
    await expectRefused(() => consumeResponse(db(), { samlResponse, pending: null, meta: META }, config), 'noPendingRequest', bad);
  });
});
