/**
 * Development SAML 2.0 identity provider for demos and tests, standing in for a GakuNin member
 * institution's Shibboleth IdP. samlify does the protocol work (it verifies the SP's signed
 * AuthnRequest and signs the assertion); ours is only the bilingual login form for the demo
 * accounts and the GakuNin attribute release. Never front real users with it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as xmllint from '@authenio/samlify-node-xmllint';
import { Constants, IdentityProvider, ServiceProvider, setSchemaValidator } from 'samlify';
import { GAKUNIN_ATTRIBUTES, type GakuninAttributeName } from './assertion';
import { escapeHtml } from '@/lib/dev-idp/html-page';
import { autoPostPage, loginPage, page } from './dev-idp-pages';

export interface DemoSamlAccount {
  username: string;
  password: string;
  eppn: string;
  mail: string;
  displayName: string;
  jaDisplayName: string;
  organizationName: string;
  jaOrganizationName: string;
  affiliation: string[];
}

export const DEMO_SAML_ACCOUNTS: readonly DemoSamlAccount[] = [
  // A lab head who has not joined (or applied for) an organization yet.
  {
    username: 'newlab',
    password: 'newlab',
    eppn: 'newlab@demo-univ.ac.jp',
    mail: 'newlab@demo-univ.ac.jp',
    displayName: 'Ichiro Sato',
    jaDisplayName: '佐藤 一郎',
    organizationName: 'Demo University',
    jaOrganizationName: 'デモ大学',
    affiliation: ['faculty', 'member'],
  },
  // The seeded lab admin of デモ大学; linked to the existing user by mail on first sign-in.
  {
    username: 'labadmin',
    password: 'labadmin',
    eppn: 'labadmin@demo-univ.ac.jp',
    mail: 'labadmin@demo-univ.ac.jp',
    displayName: 'Hanako Yamada',
    jaDisplayName: '山田 花子',
    organizationName: 'Demo University',
    jaOrganizationName: 'デモ大学',
    affiliation: ['faculty', 'member'],
  },
];

export interface DevSamlIdpOptions {
  port: number;
  /** Interface to bind; loopback by default so the demo IdP is never exposed. */
  host?: string;
  /** Defaults to http://localhost:<port>; the browser and the portal must both reach it. */
  baseUrl?: string;
  /** Defaults to <baseUrl>/idp/shibboleth. */
  entityId?: string;
  /** The IdP's signing key and certificate (PEM). */
  privateKey: string;
  certificate: string;
  /** The one SP this IdP serves: requests must come from it, signed with spCertificate's key. */
  spEntityId: string;
  spAcsUrl: string;
  spCertificate: string;
  accounts?: readonly DemoSamlAccount[];
  /** 'uri' (default): attributes named by OID with a FriendlyName, as Shibboleth releases them; 'basic': by friendly name only. */
  attributeNames?: 'uri' | 'basic';
}

export interface DevSamlIdp {
  entityId: string;
  /** SingleSignOnService, HTTP-Redirect binding. */
  ssoUrl: string;
  certificate: string;
  close(): Promise<void>;
}

const SSO_PATH = '/idp/profile/SAML2/Redirect/SSO';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
const ASSERTION_LIFETIME_MS = 5 * 60_000;
const MAX_FORM_BYTES = 16 * 1024;
const WRONG_CREDENTIALS = 'ユーザー名またはパスワードが違います / Wrong username or password';

class BadRequest extends Error {}

/**
 * node-xmllint is libxml2 compiled to JavaScript, run as a whole program per call. Each run leaves
 * an uncaughtException listener on the process and a stdout 'drain' listener that calls
 * process.exit(), and prints a blank line. The run is synchronous, so whatever it attached is
 * known and removed right after; otherwise the launcher would exit the first time stdout drains.
 */
async function validateQuietly(xml: string): Promise<unknown> {
  const uncaught = new Set(process.listeners('uncaughtException'));
  const drain = new Set(process.stdout.listeners('drain'));
  const log = console.log;
  console.log = () => {};
  try {
    return xmllint.validate(xml);
  } finally {
    console.log = log;
    for (const l of process.listeners('uncaughtException')) if (!uncaught.has(l)) process.off('uncaughtException', l);
    for (const l of process.stdout.listeners('drain')) if (!drain.has(l)) process.stdout.off('drain', l as () => void);
  }
}

export async function startDevSamlIdp(opts: DevSamlIdpOptions): Promise<DevSamlIdp> {
  // samlify refuses to parse anything until a schema validator is set; this one is process-wide.
  setSchemaValidator({ validate: validateQuietly });
  const host = opts.host ?? '127.0.0.1';
  const baseUrl = (opts.baseUrl ?? `http://localhost:${opts.port}`).replace(/\/+$/, '');
  const entityId = opts.entityId ?? `${baseUrl}/idp/shibboleth`;
  const ssoUrl = `${baseUrl}${SSO_PATH}`;
  const accounts = opts.accounts ?? DEMO_SAML_ACCOUNTS;

  const idp = IdentityProvider({
    entityID: entityId,
    privateKey: opts.privateKey,
    signingCert: opts.certificate,
    wantAuthnRequestsSigned: true,
    requestSignatureAlgorithm: RSA_SHA256,
    nameIDFormat: [TRANSIENT],
    singleSignOnService: [{ Binding: Constants.namespace.binding.redirect, Location: ssoUrl }],
  });
  const sp = ServiceProvider({
    entityID: opts.spEntityId,
    signingCert: opts.spCertificate,
    authnRequestsSigned: true,
    wantAssertionsSigned: true,
    assertionConsumerService: [{ Binding: Constants.namespace.binding.post, Location: opts.spAcsUrl }],
  });

  /** The verified AuthnRequest in the query: its id and the RelayState to echo. */
  async function verifiedRequest(rawQuery: string): Promise<{ requestId: string; relayState: string | null }> {
    const query = new URLSearchParams(rawQuery);
    // The signature covers the parameters exactly as they were encoded on the wire.
    const raw = new Map(rawQuery.split('&').map((pair) => [pair.split('=')[0], pair] as const));
    const octetString = ['SAMLRequest', 'RelayState', 'SigAlg'].flatMap((k) => (raw.has(k) ? [raw.get(k)!] : [])).join('&');
    let parsed;
    try {
      parsed = await idp.parseLoginRequest(sp, 'redirect', { query: Object.fromEntries(query), octetString });
    } catch (e) {
      throw new BadRequest(`AuthnRequest rejected: ${e instanceof Error ? e.message : e}`);
    }
    const request = parsed.extract.request as Record<string, string> | undefined;
    if (parsed.extract.issuer !== opts.spEntityId) throw new BadRequest(`unknown SP ${String(parsed.extract.issuer)}`);
    const acs = request?.assertionConsumerServiceUrl;
    if (acs && acs !== opts.spAcsUrl) throw new BadRequest(`AssertionConsumerServiceURL ${acs} is not registered`);
    if (!request?.id) throw new BadRequest('AuthnRequest without ID');
    return { requestId: request.id, relayState: query.get('RelayState') };
  }

  async function respond(account: DemoSamlAccount, requestId: string, relayState: string | null): Promise<string> {
    const responseXml = loginResponseXml({ entityId, spEntityId: opts.spEntityId, acsUrl: opts.spAcsUrl, requestId, account, attributeNames: opts.attributeNames ?? 'uri' });
    const response = await idp.createLoginResponse(sp, { extract: { request: { id: requestId } } }, 'post', {}, { customTagReplacement: () => responseXml });
    const fields = { SAMLResponse: response.context, ...(relayState ? { RelayState: relayState } : {}) };
    return autoPostPage(opts.spAcsUrl, fields);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    if (url.pathname !== SSO_PATH || (req.method !== 'GET' && req.method !== 'POST')) return send(res, 404, page('Not found', '<p>Not found</p>'));
    const rawQuery = url.search.slice(1);
    const { requestId, relayState } = await verifiedRequest(rawQuery);
    const action = `${SSO_PATH}?${rawQuery}`;
    if (req.method === 'GET') return send(res, 200, loginPage(action, accounts));
    const form = new URLSearchParams(await readBody(req));
    const username = form.get('username') ?? '';
    const account = accounts.find((a) => a.username === username && a.password === form.get('password'));
    if (!account) return send(res, 401, loginPage(action, accounts, { username, error: WRONG_CREDENTIALS }));
    send(res, 200, await respond(account, requestId, relayState));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof BadRequest) return send(res, 400, page('エラー / Error', `<p role="alert">${escapeHtml(e.message)}</p>`));
      console.error('[dev SAML IdP]', e);
      send(res, 500, page('エラー / Error', '<p role="alert">Internal error</p>'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    entityId,
    ssoUrl,
    certificate: opts.certificate,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function loginResponseXml(p: { entityId: string; spEntityId: string; acsUrl: string; requestId: string; account: DemoSamlAccount; attributeNames: 'uri' | 'basic' }): { id: string; context: string } {
  const id = `_${randomBytes(20).toString('hex')}`;
  const now = new Date();
  const issued = now.toISOString();
  const until = new Date(now.getTime() + ASSERTION_LIFETIME_MS).toISOString();
  const a = p.account;
  const values: Record<GakuninAttributeName, string[]> = {
    eppn: [a.eppn],
    mail: [a.mail],
    displayName: [a.displayName],
    jaDisplayName: [a.jaDisplayName],
    organizationName: [a.organizationName],
    jaOrganizationName: [a.jaOrganizationName],
    affiliation: a.affiliation,
  };
  const attributes = (Object.keys(values) as GakuninAttributeName[])
    .map((name) => {
      const { oid, friendly } = GAKUNIN_ATTRIBUTES[name];
      const naming =
        p.attributeNames === 'uri'
          ? `Name="${oid}" FriendlyName="${friendly[0]}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"`
          : `Name="${friendly[0]}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"`;
      const vals = values[name].map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeHtml(v)}</saml:AttributeValue>`).join('');
      return `<saml:Attribute ${naming}>${vals}</saml:Attribute>`;
    })
    .join('');
  const x = escapeHtml;
  const context =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${issued}" Destination="${x(p.acsUrl)}" InResponseTo="${x(p.requestId)}">` +
    `<saml:Issuer>${x(p.entityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="_${randomBytes(20).toString('hex')}" Version="2.0" IssueInstant="${issued}">` +
    `<saml:Issuer>${x(p.entityId)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${TRANSIENT}" NameQualifier="${x(p.entityId)}" SPNameQualifier="${x(p.spEntityId)}">_${randomBytes(16).toString('hex')}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${until}" Recipient="${x(p.acsUrl)}" InResponseTo="${x(p.requestId)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${issued}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${x(p.spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${issued}" SessionIndex="_${randomBytes(16).toString('hex')}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` +
    `</saml:Assertion></samlp:Response>`;
  return { id, context };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new BadRequest('login form body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}
