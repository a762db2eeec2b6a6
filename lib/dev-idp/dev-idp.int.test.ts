/**
 * Drives a real authorization-code + PKCE flow against the dev IdP with
 * plain fetch, the way a browser and next-auth would, so protocol-level
 * regressions (cookies, redirects, claims, signatures) surface here.
 */
import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { createServer } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDevIdp, type DevIdp } from './server';

const CLIENT = {
  clientId: 'ocs-portal-test',
  clientSecret: 'test-secret-0123456789abcdef',
  redirectUris: ['http://localhost:3999/api/auth/callback/ocs-idp'],
};

type Discovery = {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  jwks_uri: string;
};

let idp: DevIdp;
let discovery: Discovery;

/** The issuer embeds the port, so reserve a free one before starting. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

const b64url = (buf: Buffer) => buf.toString('base64url');

/** Minimal cookie jar: enough for the provider's session/interaction cookies. */
class Browser {
  private cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return res;
  }

  /** Follows redirects until leaving the IdP (the client callback) or a non-redirect response. */
  async follow(res: Response, from: string): Promise<{ res: Response; url: string }> {
    let url = from;
    while (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location') ?? '', url).href;
      if (!url.startsWith(idp.issuer)) return { res, url };
      res = await this.request(url);
    }
    return { res, url };
  }
}

async function startAuthorization(browser: Browser) {
  const state = b64url(randomBytes(16));
  const nonce = b64url(randomBytes(16));
  const verifier = b64url(randomBytes(32));
  const authUrl = new URL(discovery.authorization_endpoint);
  authUrl.search = new URLSearchParams({
    client_id: CLIENT.clientId,
    redirect_uri: CLIENT.redirectUris[0],
    response_type: 'code',
    scope: 'openid email profile',
    state,
    nonce,
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  }).toString();
  const { res, url } = await browser.follow(await browser.request(authUrl.href), authUrl.href);
  expect(res.status).toBe(200);
  expect(new URL(url).pathname).toMatch(/^\/interaction\//);
  const html = await res.text();
  expect(html).toContain('サインイン / Sign in');
  expect(html).toContain('<label for="username">');
  return { state, nonce, verifier, loginUrl: url };
}

function login(browser: Browser, loginUrl: string, username: string, password: string) {
  return browser.request(loginUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
}

beforeAll(async () => {
  const port = await freePort();
  idp = await startDevIdp({ port, clients: [CLIENT] });
  discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Discovery;
});

afterAll(async () => {
  await idp?.close();
});

describe('dev IdP', () => {
  it('publishes discovery for the configured issuer', () => {
    expect(discovery.issuer).toBe(idp.issuer);
    expect(discovery.token_endpoint.startsWith(idp.issuer)).toBe(true);
  });

  it('completes an authorization-code + PKCE flow with a verifiable id_token', async () => {
    const browser = new Browser();
    const { state, nonce, verifier, loginUrl } = await startAuthorization(browser);

    const posted = await login(browser, loginUrl, 'labadmin', 'labadmin');
    expect(posted.status).toBe(303);
    const { url: callback } = await browser.follow(posted, loginUrl);
    const callbackUrl = new URL(callback);
    expect(`${callbackUrl.origin}${callbackUrl.pathname}`).toBe(CLIENT.redirectUris[0]);
    expect(callbackUrl.searchParams.get('state')).toBe(state);
    expect(callbackUrl.searchParams.get('iss')).toBe(idp.issuer);
    const code = callbackUrl.searchParams.get('code');
    expect(code).toBeTruthy();

    const tokenRes = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: CLIENT.redirectUris[0],
        code_verifier: verifier,
      }).toString(),
    });
    expect(tokenRes.status).toBe(200);
    const tokens = (await tokenRes.json()) as { id_token: string; access_token: string; token_type: string };
    expect(tokens.token_type).toBe('Bearer');

    const [headerB64, payloadB64, signatureB64] = tokens.id_token.split('.');
    const header = JSON.parse(Buffer.from(headerB64, 'base64url').toString()) as { alg: string; kid: string };
    expect(header.alg).toBe('RS256');
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: (JsonWebKey & { kid: string })[] };
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    expect(jwk).toBeDefined();
    const valid = verify(
      'RSA-SHA256',
      Buffer.from(`${headerB64}.${payloadB64}`),
      createPublicKey({ key: jwk!, format: 'jwk' }),
      Buffer.from(signatureB64, 'base64url'),
    );
    expect(valid).toBe(true);

    const claims = JSON.parse(Buffer.from(payloadB64, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({
      iss: idp.issuer,
      aud: CLIENT.clientId,
      nonce,
      sub: 'demo-labadmin',
      email: 'labadmin@demo-univ.ac.jp',
      email_verified: true,
      name: 'Hanako Yamada',
      preferred_username: 'labadmin',
      ja_name: '山田 花子',
    });

    const userinfoRes = await fetch(discovery.userinfo_endpoint, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfoRes.status).toBe(200);
    expect(await userinfoRes.json()).toMatchObject({
      sub: 'demo-labadmin',
      email: 'labadmin@demo-univ.ac.jp',
      ja_name: '山田 花子',
    });
  });

  it('rejects a wrong password with 401 and issues no code', async () => {
    const browser = new Browser();
    const { loginUrl } = await startAuthorization(browser);

    const res = await login(browser, loginUrl, 'labadmin', 'not-the-password');
    expect(res.status).toBe(401);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('ユーザー名またはパスワードが違います / Wrong username or password');
    expect(html).not.toContain('code=');

    // The interaction stays usable: the correct password still signs in afterwards.
    const retry = await login(browser, loginUrl, 'staff', 'staff');
    expect(retry.status).toBe(303);
    const { url } = await browser.follow(retry, loginUrl);
    expect(new URL(url).searchParams.get('code')).toBeTruthy();
  });
});
